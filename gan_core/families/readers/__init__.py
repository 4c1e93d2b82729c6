"""The classifier, the typeset reader and the domain judge as trainable families."""
