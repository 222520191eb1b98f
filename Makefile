# The two set-up commands of the README, plus helpers. Each target installs what it needs
# (scripts/install-deps.sh: Debian packages by name, idempotent) before building.
BUILD   ?= build/release
JOBS    ?= $(shell nproc)
PROJECT ?=
CMAKE_FLAGS ?=

.PHONY: deps configure build run test stress test-all bench package sanitize fuzz clean

deps:
	@bash scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# Opens the workbench (on PROJECT, else on the last or default project).
run: build
	$(BUILD)/app/gui/hyper-workbench $(PROJECT)

# Builds and runs every test but the benches and the long stress runs (real-data tests
# skip themselves when the shared data folder is absent).
test: build
	cd $(BUILD) && ctest --output-on-failure -j2 -LE 'bench|stress'

# Several processes on one project, 20 rounds of SIGKILL (docs/GUI.md).
stress: build
	cd $(BUILD) && ctest --output-on-failure -L stress

bench: build
	bash scripts/bench.sh $(BUILD)

package: build
	cd $(BUILD) && cpack -G DEB

# The default test set built with AddressSanitizer and UndefinedBehaviorSanitizer in a
# folder of its own; a UBSan report stops the program, so it fails its test (docs/DEVELOPING.md).
SANITIZE_BUILD ?= build/sanitize
SANITIZE_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
sanitize: deps
	cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	      -DCMAKE_CXX_FLAGS="$(SANITIZE_FLAGS)" -DCMAKE_EXE_LINKER_FLAGS="$(SANITIZE_FLAGS)" \
	      -DCMAKE_SHARED_LINKER_FLAGS="$(SANITIZE_FLAGS)" -DCMAKE_MODULE_LINKER_FLAGS="$(SANITIZE_FLAGS)" $(CMAKE_FLAGS)
	cmake --build $(SANITIZE_BUILD) -j$(JOBS)
	cd $(SANITIZE_BUILD) && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2 -LE 'bench|stress|package'

# The importers' fuzz targets (clang's libFuzzer with ASan + UBSan) in a folder of their own:
# each runs FUZZ_SECONDS on its corpus (tests/fuzz/corpus), then llvm-cov reports the line
# coverage of the readers (docs/DEVELOPING.md, "Fuzzing").
FUZZ_BUILD ?= build/fuzz
FUZZ_SECONDS ?= 30
fuzz:
	@HYPER_WITH_FUZZ=1 bash scripts/install-deps.sh
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	      -DHYPER_FUZZ=ON -DHYPER_FUZZ_SECONDS=$(FUZZ_SECONDS) $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	cd $(FUZZ_BUILD) && rm -f fuzz-work/*.summary && { ctest --output-on-failure -j$(JOBS) -L fuzz; \
	    status=$$?; cat fuzz-work/*.summary 2>/dev/null; exit $$status; }

clean:
	rm -rf $(BUILD)
