# Cross-building floorcoach for a Raspberry Pi (arm64: Debian 12 /
# Raspberry Pi OS 64-bit) on a Debian 12 amd64 machine; make arm64-check
# (packaging/arm64-check.sh) uses it:
#
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=packaging/arm64-toolchain.cmake
#
# The compiler is crossbuild-essential-arm64's aarch64-linux-gnu-gcc. The
# libraries are Debian's arm64 packages installed beside the amd64 ones
# (multiarch: /usr/lib/aarch64-linux-gnu, headers in /usr/include), except
# XNNPACK and pthreadpool: their packages are not Multi-Arch: same, so the
# arm64 ones would replace (remove) the amd64 ones the native build needs.
# arm64-check.sh unpacks those two (dpkg -x) into a small sysroot,
# FC_ARM64_SYSROOT, and this file points the compiler, the linker and the
# build tree's run path at it.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Where CMake's find_library looks first: lib/aarch64-linux-gnu of each
# prefix, never the amd64 lib/x86_64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# The XNNPACK/pthreadpool sysroot (usr/include, usr/lib/aarch64-linux-gnu).
# A path relative to this file, so that CMake's own test projects
# (try_compile), which read this file again elsewhere, find the same one.
if(NOT DEFINED FC_ARM64_SYSROOT)
  if(DEFINED ENV{FC_ARM64_SYSROOT})
    set(FC_ARM64_SYSROOT "$ENV{FC_ARM64_SYSROOT}")
  else()
    get_filename_component(FC_ARM64_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../build-arm64/sysroot" ABSOLUTE)
  endif()
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FC_ARM64_SYSROOT FC_QEMU_CPU)
set(FC_ARM64_SYSROOT_LIB "${FC_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu")
# find_path/find_library (xnnpack.h, libXNNPACK.so) search it before /usr.
list(PREPEND CMAKE_PREFIX_PATH "${FC_ARM64_SYSROOT}/usr")
# src/recog adds no include directory for xnnpack.h (natively it is in
# /usr/include, where the amd64 package put it): name the arm64 copy first,
# so the build does not depend on the amd64 -dev package being there.
set(CMAKE_C_FLAGS_INIT "-isystem ${FC_ARM64_SYSROOT}/usr/include")
# libXNNPACK.so needs libpthreadpool.so.0 at link time (rpath-link) and at
# run time (the build tree's run path; an installed binary gets none). The
# old-style DT_RPATH (--disable-new-dtags), because the loader applies a
# DT_RUNPATH only to the binary's own libraries, not to libXNNPACK's.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${FC_ARM64_SYSROOT_LIB} -Wl,--disable-new-dtags")
set(CMAKE_BUILD_RPATH "${FC_ARM64_SYSROOT_LIB}")

# pkg-config reads only the arm64 .pc files (and the arch-independent
# ones), never the host's /usr/lib/x86_64-linux-gnu/pkgconfig.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

# Programs found are the host's (cmake, sh, sox); libraries and headers are
# searched in both the multiarch root (/) and the sysroot above.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# ctest runs each test executable under qemu-user (no binfmt_misc
# registration needed). -L /: the arm64 dynamic loader and libraries are
# the multiarch ones on this machine, where a Pi has them. The CPU model
# defaults to the Pi 4's Cortex-A72 (ARMv8.0: no dotprod or fp16
# arithmetic), so that XNNPACK picks the kernels a Pi would run rather than
# those of qemu's "max" CPU.
if(NOT DEFINED FC_QEMU_CPU)
  set(FC_QEMU_CPU cortex-a72)
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-cpu;${FC_QEMU_CPU};-L;/)
