"""Domain B: typeset digits are deterministic, balanced, framed like MNIST and varied."""
import numpy as np

from gan_core.data.typeset import typeset_digits


def test_rendering_is_deterministic_and_balanced():
    a, la = typeset_digits(300, seed=4)
    b, lb = typeset_digits(300, seed=4)
    assert np.array_equal(a, b) and np.array_equal(la, lb)
    assert a.shape == (300, 28, 28) and a.dtype == np.uint8
    assert np.bincount(la, minlength=10).tolist() == [30] * 10
    c, _ = typeset_digits(300, seed=5)
    assert not np.array_equal(a, c)


def test_digits_are_white_on_black_and_centred():
    images, _ = typeset_digits(200, seed=0)
    assert images[:, 0, :].max() == 0 and images[:, :, 0].max() == 0  # black border
    mass = images.astype(float)
    ys = (mass.sum(2) * np.arange(28)).sum(1) / mass.sum((1, 2))
    xs = (mass.sum(1) * np.arange(28)).sum(1) / mass.sum((1, 2))
    assert np.all(np.abs(ys - 13.5) < 1.0) and np.all(np.abs(xs - 13.5) < 1.0)


def test_styles_vary_within_a_digit():
    images, labels = typeset_digits(400, seed=1)
    ones = images[labels == 1].astype(float)
    ink = ones.sum((1, 2))
    assert ink.std() / ink.mean() > 0.15  # stroke width and font change how much ink a "1" has


def test_every_face_is_committed_with_its_licence_and_draws_ten_distinct_digits():
    """A face missing from the tree, from LICENSE.md, or drawing a digit as its 'missing glyph' box fails here."""
    from PIL import Image, ImageDraw

    from gan_core.data.typeset import FONT_DIR, FONT_FILES, N_FONTS, _font

    licence = (FONT_DIR / "LICENSE.md").read_text()
    assert N_FONTS == 1 + len(FONT_FILES) == 21
    for index in range(N_FONTS):
        if index:
            assert (FONT_DIR / FONT_FILES[index - 1]).is_file() and FONT_FILES[index - 1] in licence
        glyphs = []
        for digit in range(10):
            img = Image.new("L", (64, 64), 0)
            ImageDraw.Draw(img).text((32, 32), str(digit), fill=255, font=_font(index, 40), anchor="mm")
            glyphs.append(np.asarray(img) > 127)
        for i in range(10):
            assert glyphs[i].sum() > 20, (index, i)
            for j in range(i):
                assert (glyphs[i] ^ glyphs[j]).sum() > 10, (index, i, j)  # tofu boxes would all be alike
