// The program's version, in one place: CMake's project(VERSION) reaches
// version.cc as the compile definition TD_VERSION (src/util/CMakeLists.txt),
// and everything that names the version (the HTTP User-Agent, the Parquet
// footer's created_by, the run manifest) asks here.
#pragma once

#include <string>

namespace td {

// "MAJOR.MINOR.PATCH" as CMake's project(tiff_dumper VERSION ...) says, e.g. "0.1.0".
const char* version();

// The User-Agent HTTP requests send (RFC 9110 §10.1.5 product token): "tiff-dumper/0.1.0".
std::string user_agent();

// The tool and its version for human-facing records: "tiff-dumper 0.1.0".
std::string tool_and_version();

}  // namespace td
