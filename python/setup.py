"""The tiff_dumper Python package: `pip install --no-build-isolation ./python`.

Builds the extension module (tiff_dumper._core) and the `tiff-dumper` binary
with the project's CMake (-DTD_PYTHON=ON, Ninja) into build/temp, offline,
against this Python (Debian: python3-dev, pybind11-dev, setuptools). Environment:
  TD_PYTHON_PREBUILT=DIR  take both from a CMake build dir configured with
                          -DTD_PYTHON=ON (the ctest test) instead of building
  CMAKE_ARGS              extra cmake arguments (e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
"""
import glob
import os
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        for line in f:
            if line.startswith("project(") and " VERSION " in line:
                return line.split(" VERSION ")[1].split()[0]
    return "0"


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("TD_PYTHON_PREBUILT")
        if not build_dir:
            build_dir = os.path.abspath(os.path.join(self.build_temp, "cmake"))
            subprocess.check_call(
                ["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                 "-DTD_PYTHON=ON", "-DTD_TESTS=OFF", "-DPYTHON_EXECUTABLE=" + sys.executable]
                + shlex.split(os.environ.get("CMAKE_ARGS", "")))
            subprocess.check_call(["cmake", "--build", build_dir, "--target", "_core", "tiff-dumper"])
        modules = glob.glob(os.path.join(build_dir, "python", "_core*.so"))
        binary = os.path.join(build_dir, "src", "cli", "tiff-dumper")
        if len(modules) != 1 or not os.path.exists(binary):
            raise RuntimeError(f"{build_dir}: no python/_core*.so or src/cli/tiff-dumper (configured with -DTD_PYTHON=ON?)")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(modules[0], target)
        bin_dir = os.path.join(os.path.dirname(target), "bin")
        os.makedirs(bin_dir, exist_ok=True)
        shutil.copy2(binary, os.path.join(bin_dir, "tiff-dumper"))
        if shutil.which("strip"):  # debug info is ~90 % of both files
            subprocess.check_call(["strip", "--strip-debug", target, os.path.join(bin_dir, "tiff-dumper")])


setup(
    name="tiff_dumper",
    version=project_version(),
    description="Catalog TIFF/GeoTIFF/COG headers into Parquet (the tiff-dumper C++ engine)",
    packages=["tiff_dumper"],
    ext_modules=[Extension("tiff_dumper._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    entry_points={"console_scripts": ["tiff-dumper = tiff_dumper.__main__:main"]},
    python_requires=">=3.9",
    zip_safe=False,
)
