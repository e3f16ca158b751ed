PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench pictures clean
PICTURE_CARDS := image,term-cjk-latin,code-rust,math

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/flashgen build

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench

# The README's pictures: example cards as Anki renders them, phone and desktop, day and night.
pictures: $(STAMP)
	@command -v chromium >/dev/null || { echo "make pictures needs Debian's chromium and fonts-noto-cjk (apt-get install chromium fonts-noto-cjk)"; exit 1; }
	$(BIN)/python -m benchmarks.screenshot_cards --out build/pictures --cards $(PICTURE_CARDS) --widths 390,800
	rm -rf docs/pictures && mkdir -p docs/pictures && cp build/pictures/*.png docs/pictures/

clean:
	rm -rf $(VENV) build *.egg-info decks/*.apkg
