# The two commands: `make run` and `make test` (README.md). Everything else is a helper.
BUILD_DIR ?= build
DATA_DIR ?= data
PORT ?= 8080
DEMO_SUBJECTS ?= 20000
JOBS ?= $(shell nproc)

.PHONY: run test deps test-deps build web serve demo bench format clean

run: build web
	@if [ ! -f $(DATA_DIR)/credence.db ]; then \
	  echo "Creating the demo city ($(DEMO_SUBJECTS) subjects) in $(DATA_DIR)/ ..."; \
	  ./$(BUILD_DIR)/credence demo --data $(DATA_DIR) --subjects $(DEMO_SUBJECTS) --seed 1 || exit 1; \
	fi
	./$(BUILD_DIR)/credence serve --data $(DATA_DIR) --port $(PORT)

test: test-deps build web
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

build: deps
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then cmake --preset release >/dev/null; fi
	cmake --build $(BUILD_DIR) -j $(JOBS)

web:
	@if [ -f web/package.json ]; then scripts/build-web.sh; fi

bench: build
	scripts/run-benchmarks.sh

format:
	git ls-files 'src/*.h' 'src/*.cc' 'bench/*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
