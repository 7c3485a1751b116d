// Process exit codes, documented in `--help` and the README.
#pragma once

namespace td::cli {

inline constexpr int exit_ok = 0;            // every object read successfully
inline constexpr int exit_failed = 1;        // the run failed (store, output): no success claimed
inline constexpr int exit_usage = 2;         // bad arguments or config: nothing was done
inline constexpr int exit_object_errors = 3; // finished, but some objects are error rows
                                             // (`info`: the file could not be read)

}  // namespace td::cli
