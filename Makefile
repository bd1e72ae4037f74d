# Front for the CMake build (like DuckDB's): `make` builds build/release/otelite.
JOBS ?= $(shell nproc)
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
LAUNCHER := $(shell command -v ccache >/dev/null 2>&1 && echo "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache")
CMAKE_FLAGS ?=
DATA ?= ./data

.PHONY: all release debug deps run test unit asan fuzz soak bench format lint clean

all: release

release:
	@mkdir -p build/release
	cmake -S . -B build/release $(GENERATOR) $(LAUNCHER) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build build/release -j $(JOBS)

debug:
	@mkdir -p build/debug
	cmake -S . -B build/debug $(GENERATOR) $(LAUNCHER) -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build build/debug -j $(JOBS)

deps:
	bash scripts/deps.sh

run: deps release
	./build/release/otelite serve --data $(DATA)

test: deps release
	cd build/release && ctest --output-on-failure -j $(JOBS) --timeout 900

# Unit tests only (fast loop).
unit: release
	cd build/release && ctest --output-on-failure -j $(JOBS) -L unit

asan:
	@mkdir -p build/asan
	cmake -S . -B build/asan $(GENERATOR) $(LAUNCHER) -DCMAKE_BUILD_TYPE=Debug -DOTELITE_SANITIZE=ON
	cmake --build build/asan -j $(JOBS)
	cd build/asan && ctest --output-on-failure -j $(JOBS) -L unit

# libFuzzer targets (clang). FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 600
fuzz:
	@mkdir -p build/fuzz
	CC=clang CXX=clang++ cmake -S . -B build/fuzz $(GENERATOR) $(LAUNCHER) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOTELITE_FUZZ=ON
	cmake --build build/fuzz -j $(JOBS) --target fuzz_targets
	bash scripts/run_fuzzers.sh build/fuzz $(FUZZ_SECONDS)

# Long crash loop: SIGKILL during concurrent OTLP/gRPC ingest, SOAK_KILLS times, then every
# acknowledged sample must be in the data directory.
SOAK_KILLS ?= 60
soak: release
	cmake --build build/release -j $(JOBS) --target integration_tests
	OTELITE_CRASH_KILLS=$(SOAK_KILLS) build/release/tests/integration_tests --gtest_filter='CrashRecovery.*'

bench: release
	bash scripts/run_bench.sh build/release

format:
	find src tests bench fuzz -name '*.cc' -o -name '*.h' | xargs clang-format -i

lint: release
	find src -name '*.cc' | xargs clang-tidy -p build/release --quiet

clean:
	rm -rf build
