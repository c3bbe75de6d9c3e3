# Two commands do everything: `make run` and `make test` (see README.md).
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
RELEASE_BUILD ?= build-release
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
ARGS       ?=

.PHONY: all deps deps-test build build-asan build-tsan build-release run test bench install clean train arm64-check deb fuzz

all: build

# Debian packages, then the keyword front end's models (fetched and checked
# once; nothing downloads at run time).
deps:
	@sh packaging/install-deps.sh
	@sh packaging/fetch-models.sh

# What only the tests use: Chromium, which draws the report page.
deps-test: deps
	@sh packaging/install-deps.sh test

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFC_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DFC_SANITIZE=ON -DFC_WERROR=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# ThreadSanitizer, only for what runs threads of our own (tests labelled
# threads): the ring, the listener, and the PortAudio path (floorcoach).
build-tsan: deps
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DFC_TSAN=ON -DFC_WERROR=ON >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS) --target test_queue test_listener floorcoach

# As a packager builds it (-O3, where -Wformat-truncation and friends see
# more): compiled with warnings as errors, so that it keeps building.
build-release: deps
	@cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DFC_WERROR=ON -DBUILD_TESTING=OFF >/dev/null
	@cmake --build $(RELEASE_BUILD) -j $(JOBS)

# A failure here is floorcoach's (no sound card, a bad routine...), not the
# build's: say so, since make's own "Error" line reads like a build failure.
run: build
	@echo "make run: built; ./$(BUILD)/floorcoach run $(ARGS)"
	@./$(BUILD)/floorcoach run $(ARGS) || { code=$$?; echo "make run: the build is fine;" \
	  "floorcoach stopped with exit $$code, for the reason it gave above" >&2; exit $$code; }

# Every test, in the normal build and again under ASan/UBSan; the threaded
# ones under TSan too; a Release build; FUZZ_SECONDS of each fuzzer; then
# the Debian package, built and checked (lintian).
test: deps-test build build-asan build-tsan build-release
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(TSAN_BUILD) && ctest --output-on-failure -L threads
	@$(MAKE) --no-print-directory fuzz
	@JOBS=$(JOBS) sh packaging/make-deb.sh
	sh tests/app/test_deb.sh build-deb/floorcoach_*_$$(dpkg --print-architecture).deb

# libFuzzer (clang) on every file floorcoach reads: routines, voices,
# prescriptions, asr.conf and calibrations, WAV files. Each target runs
# FUZZ_SECONDS, two at a time; any crash, leak or hang fails it and names
# its reproducer (tests/fuzz/README.md). RelWithDebInfo: optimised, so
# more inputs per second, with the line numbers a stack needs.
FUZZ_SECONDS ?= 60
fuzz: deps
	@sh packaging/install-deps.sh fuzz
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DFC_FUZZ=ON -DFC_WERROR=ON -DBUILD_TESTING=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	./$(BUILD)/bench/render_bench

# As a Raspberry Pi (arm64) runs it: the cross build in build-arm64, its unit
# tests and a session under qemu-user, and the listening pipeline's
# instructions per second of audio (packaging/arm64-check.sh says what runs).
arm64-check: deps
	@sh packaging/arm64-check.sh

# The keyword head (training/README.md): dataset from the corpus's dev split
# into KWS_DATA (outside the repository), then grammars/kws/head.bin. Not part
# of test or run; installs what it needs first (python3-torch, synthetic
# voices: training/README.md).
CORPUS   ?= ../shared/corpus
KWS_DATA ?= /tmp/kws-data
SCALE    ?= 3
train: deps
	@sh packaging/install-deps.sh train
	/usr/bin/python3 training/features.py
	/usr/bin/python3 training/make_dataset.py --corpus $(CORPUS) --out $(KWS_DATA) --scale $(SCALE)
	/usr/bin/python3 training/train_head.py --data $(KWS_DATA) --out grammars/kws/head.bin

install: build
	cmake --install $(BUILD)

# The Debian package, build-deb/floorcoach_VERSION_ARCH.deb, checked by
# lintian (packaging/make-deb.sh; installs dpkg-dev and lintian first).
deb: deps
	@JOBS=$(JOBS) sh packaging/make-deb.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(RELEASE_BUILD) $(FUZZ_BUILD)
