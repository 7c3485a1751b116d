// Owning pointer to a PROJ object (PJ), destroyed with proj_destroy. Internal to catalog/.
#pragma once

#include <proj.h>

#include <memory>

namespace td::catalog {

struct ProjDeleter {
  void operator()(PJ* p) const { proj_destroy(p); }
};
using ProjPtr = std::unique_ptr<PJ, ProjDeleter>;

}  // namespace td::catalog
