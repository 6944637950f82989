"""Vendor the U.S. Web Design System's compiled files under static/vendor/uswds/ (no Node at run time).

    npm pack @uswds/uswds@3.14.0 && python scripts/vendor_uswds.py uswds-uswds-3.14.0.tgz

Copies the minified CSS and JavaScript, the icon sprite, and exactly the fonts and images the stylesheet
names (its url()s: 18 woff2 fonts and 32 images, not the 10 MB of icons it does not use). The
`sourceMappingURL` comments are dropped: the maps are not shipped, and Django's manifest storage would
refuse a reference to a missing file. Run it again to upgrade; the commit shows what changed."""

import re
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

DEST = Path(__file__).resolve().parent.parent / "static" / "vendor" / "uswds"
SOURCE_MAP = re.compile(r"\s*/[/*]# sourceMappingURL=\S+(\s*\*/)?\s*$")


def main(tarball: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
        dist = Path(tmp) / "package" / "dist"
        if DEST.exists():
            shutil.rmtree(DEST)
        css = (dist / "css" / "uswds.min.css").read_text()
        referenced = sorted({url.strip("\"'") for url in re.findall(r"url\(([^)]+)\)", css)
                             if url.strip("\"'").startswith("../")})
        files = {"css/uswds.min.css": SOURCE_MAP.sub("", css)}
        for name in ("uswds.min.js", "uswds-init.min.js"):
            files[f"js/{name}"] = SOURCE_MAP.sub("", (dist / "js" / name).read_text())
        for relative, text in files.items():
            target = DEST / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        for relative in [url[3:] for url in referenced] + ["img/sprite.svg"]:
            target = DEST / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dist / relative, target)
        shutil.copyfile(Path(tmp) / "package" / "LICENSE.md", DEST / "LICENSE.md")
        version = re.search(r'"version":\s*"([^"]+)"', (Path(tmp) / "package" / "package.json").read_text())[1]
        (DEST / "VERSION").write_text(version + "\n")
        print(f"USWDS {version}: {len(referenced)} referenced files, the sprite, CSS and JS in {DEST}")


if __name__ == "__main__":
    main(sys.argv[1])
