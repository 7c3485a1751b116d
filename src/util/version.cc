#include "util/version.h"

#ifndef TD_VERSION
#error "TD_VERSION must come from CMake's project(VERSION) (src/util/CMakeLists.txt)"
#endif

namespace td {

const char* version() { return TD_VERSION; }

std::string user_agent() { return std::string("tiff-dumper/") + TD_VERSION; }

std::string tool_and_version() { return std::string("tiff-dumper ") + TD_VERSION; }

}  // namespace td
