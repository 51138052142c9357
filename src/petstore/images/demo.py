"""Small pictures drawn by the project itself for the demo catalog, so the docs page shows
pets with photos offline. Deterministic: the same pet always gets the same picture."""

from __future__ import annotations

import io
import zlib

from PIL import Image, ImageDraw

PALETTE = {
    "DOG": ((244, 196, 120), (139, 90, 43)),
    "CAT": ((190, 205, 230), (70, 70, 90)),
    "RABBIT": ((220, 235, 200), (160, 150, 140)),
    "BIRD": ((200, 230, 240), (240, 180, 40)),
    "REPTILE": ((225, 215, 170), (80, 130, 60)),
    "OTHER": ((235, 210, 225), (150, 100, 80)),
}


def draw_pet(name: str, species: str, edge: int = 480) -> bytes:
    """A simple face on a species-coloured background, as a JPEG."""
    background, fur = PALETTE.get(species, PALETTE["OTHER"])
    seed = zlib.crc32(name.encode())
    image = Image.new("RGB", (edge, edge), background)
    draw = ImageDraw.Draw(image)
    centre, radius = edge // 2, edge // 4 + seed % (edge // 12)
    ear = radius // 2
    if species == "DOG":  # floppy ears down the sides of the head
        for side in (-1, 1):
            x = centre + side * radius
            draw.ellipse(
                (x - ear // 2, centre - radius // 2, x + ear // 2, centre + radius // 2),
                fill=tuple(max(c - 40, 0) for c in fur),
            )
    elif species == "RABBIT":
        tall = 2
        for side in (-1, 1):
            x = centre + side * radius // 2
            draw.ellipse(
                (x - ear // 2, centre - radius - ear * tall, x + ear // 2, centre), fill=fur
            )
    elif species == "CAT":
        for side in (-1, 1):
            x = centre + side * radius // 2
            draw.polygon(
                [
                    (x - ear, centre - radius // 2),
                    (x, centre - radius - ear),
                    (x + ear, centre - radius // 2),
                ],
                fill=fur,
            )
    draw.ellipse((centre - radius, centre - radius, centre + radius, centre + radius), fill=fur)
    eye = max(radius // 8, 4)
    for side in (-1, 1):
        x = centre + side * radius // 3
        draw.ellipse(
            (x - eye, centre - radius // 4 - eye, x + eye, centre - radius // 4 + eye),
            fill=(20, 20, 20),
        )
    nose = max(radius // 10, 3)
    draw.ellipse(
        (centre - nose, centre + radius // 6 - nose, centre + nose, centre + radius // 6 + nose),
        fill=(40, 30, 30),
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
