#include "catalog/cog.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "tiff/tags.h"

namespace td::catalog {
namespace {

namespace tag = tiff::tag;
using tiff::Ifd;

// How GDAL cuts an IFD's band 1 into blocks: tiles, or strips as wide as the image and
// RowsPerStrip high (at most the image's height; absent: one strip).
struct Grid {
  uint64_t width = 0, height = 0, block_width = 0, block_height = 0;
  uint64_t blocks_per_row = 0, blocks_per_band = 0;
};

uint64_t first_uint(const Ifd& d, uint16_t code, uint64_t fallback) {
  const tiff::Tag* t = d.find(code);
  return t ? t->first_uint().value_or(0) : fallback;
}

uint64_t blocks_across(uint64_t size, uint64_t block) { return block ? size / block + (size % block != 0) : 0; }

Grid grid(const Ifd& d) {
  Grid g;
  g.width = dimension(d, tag::image_width);
  g.height = dimension(d, tag::image_length);
  if (tiled(d)) {
    g.block_width = first_uint(d, tag::tile_width, 0);
    g.block_height = first_uint(d, tag::tile_length, 0);
  } else {
    g.block_width = g.width;
    const uint64_t rows = first_uint(d, tag::rows_per_strip, UINT32_MAX);
    g.block_height = rows == 0 || rows > g.height ? g.height : rows;
  }
  g.blocks_per_row = blocks_across(g.width, g.block_width);
  const uint64_t rows = blocks_across(g.height, g.block_height);
  // Saturating: a hostile header may claim 2^32 x 2^32 one-pixel tiles.
  g.blocks_per_band = rows && g.blocks_per_row > UINT64_MAX / rows ? UINT64_MAX : g.blocks_per_row * rows;
  return g;
}

// GDAL's BLOCK_OFFSET_x_y of block `id` (GTiffDataset::IsBlockAvailable): the offset of
// a block whose byte count is not 0.
std::optional<uint64_t> block_offset(const Ifd& d, uint64_t id) {
  if (id >= d.block_byte_counts.size() || d.block_byte_counts[id] == 0) return std::nullopt;
  return d.block_offsets[id];
}

// The script's get_block_offset: band 1's first block, in row-major order, that has data;
// 0 when none has.
uint64_t first_block_offset(const Ifd& d) {
  const uint64_t n = std::min<uint64_t>(grid(d).blocks_per_band, d.block_byte_counts.size());
  for (uint64_t id = 0; id < n; ++id) {
    if (auto o = block_offset(d, id)) return *o;
  }
  return 0;
}

bool strip_like(const Grid& g) { return g.block_width == g.width && g.block_width > 1024; }

// The GDAL structural metadata block ("ghost area") right after the file header.
struct GhostArea {
  bool present = false;
  uint64_t size = 0;      // the size its first line declares
  std::string_view body;  // what follows the first line (as much as was read)
};

GhostArea ghost_area(const tiff::Header& h) {
  GhostArea g;
  if (!h.gdal_structural_metadata) return g;
  const std::string_view text = *h.gdal_structural_metadata;
  const std::optional<uint64_t> size = tiff::gdal_metadata_declared_size(text);
  if (!size) return g;
  g.present = true;
  g.size = *size;
  g.body = text.substr(tiff::kGdalMetadataLineLength);
  return g;
}

struct Declared {  // what the ghost area declares about the blocks
  bool row_major = false, leader = false, trailer = false, mask_interleaved = false;
  bool any() const { return row_major || leader || trailer || mask_interleaved; }
};

void add(std::vector<CogFinding>& to, const char* code, std::string message) {
  to.push_back({code, std::move(message)});
}

std::string block_name(const Grid& g, uint64_t id) {
  const uint64_t per_row = std::max<uint64_t>(g.blocks_per_row, 1);
  return "block (" + std::to_string(id % per_row) + ", " + std::to_string(id / per_row) + ")";
}

// The script's full_check_band for what the header holds: block order when
// BLOCK_ORDER=ROW_MAJOR, and each mask block right after its image block when
// MASK_INTERLEAVED_WITH_IMAGERY=YES. `mask` is the image's mask IFD, or nullptr.
void check_blocks(const std::string& name, const Ifd& image, const Ifd* mask, const Declared& declared,
                  std::vector<CogFinding>& errors) {
  const Grid g = grid(image);
  if (mask && declared.mask_interleaved) {
    const Grid m = grid(*mask);
    if (m.block_width != g.block_width || m.block_height != g.block_height) {
      add(errors, "mask_block_size",
          name + ": mask blocks are " + std::to_string(m.block_width) + "x" + std::to_string(m.block_height) +
              ", image blocks " + std::to_string(g.block_width) + "x" + std::to_string(g.block_height));
      mask = nullptr;
    }
  } else {
    mask = nullptr;
  }
  // Blocks past both arrays have no data in either: nothing to compare there.
  const uint64_t listed = std::max(image.block_byte_counts.size(), mask ? mask->block_byte_counts.size() : 0);
  const uint64_t n = std::min(g.blocks_per_band, listed);
  uint64_t last = 0, misordered = 0, misplaced = 0;
  std::string first_misordered, first_misplaced;
  auto out_of_order = [&](uint64_t id, uint64_t offset, const char* what) {
    if (misordered++ == 0)
      first_misordered = std::string(what) + block_name(g, id) + " at offset " + std::to_string(offset) +
                         " is before the previous block, at " + std::to_string(last);
  };
  for (uint64_t id = 0; id < n; ++id) {
    uint64_t offset = block_offset(image, id).value_or(0);
    const uint64_t bytes = offset ? image.block_byte_counts[id] : 0;
    if (offset > 0 && declared.row_major && offset < last) out_of_order(id, offset, "");
    const uint64_t mask_offset = mask ? block_offset(*mask, id).value_or(0) : 0;
    if (offset > 0 && mask_offset > 0) {
      const uint64_t expected = offset + bytes + (declared.leader ? 4 : 0) + (declared.trailer ? 4 : 0);
      if (mask_offset != expected && misplaced++ == 0)
        first_misplaced = "the mask of " + block_name(g, id) + " is at offset " + std::to_string(mask_offset) +
                          ", " + std::to_string(expected) + " was expected";
    } else if (offset == 0 && mask_offset > 0) {
      if (declared.row_major && mask_offset < last) out_of_order(id, mask_offset, "the mask of ");
      offset = mask_offset;
    }
    last = offset;
  }
  auto more = [](uint64_t count) {
    return count > 1 ? " (" + std::to_string(count - 1) + " more blocks alike)" : std::string();
  };
  if (misordered) add(errors, "block_order", name + ": " + first_misordered + more(misordered));
  if (misplaced) add(errors, "mask_not_interleaved", name + ": " + first_misplaced + more(misplaced));
}

std::string size_text(const Grid& g) { return std::to_string(g.width) + "x" + std::to_string(g.height); }

}  // namespace

CogVerdict cog_verdict(const tiff::Header& header, const Pyramid& pyramid) {
  CogVerdict v;
  const Ifd& main = header.ifds.at(0);
  const Grid main_grid = grid(main);
  const size_t overview_count = pyramid.overviews.size();

  if (main_grid.width > 512 || main_grid.height > 512) {
    if (strip_like(main_grid))
      add(v.errors, "not_tiled",
          "the image is " + size_text(main_grid) + " (over 512 pixels on a side) and is not tiled");
    if (overview_count == 0)
      add(v.warnings, "no_overviews", "the image is " + size_text(main_grid) +
                                          " (over 512 pixels on a side) and has no internal overviews");
  }

  // IFD 0 right after the file header and the GDAL structural metadata, if any.
  Declared declared;
  if (main.offset != 8 && main.offset != 16) {
    uint64_t expected = header.bigtiff ? 16 : 8;
    const GhostArea ghost = ghost_area(header);
    if (ghost.present) {
      declared.row_major = ghost.body.find("BLOCK_ORDER=ROW_MAJOR") != std::string_view::npos;
      declared.leader = ghost.body.find("BLOCK_LEADER=SIZE_AS_UINT4") != std::string_view::npos;
      declared.trailer = ghost.body.find("BLOCK_TRAILER=LAST_4_BYTES_REPEATED") != std::string_view::npos;
      declared.mask_interleaved = ghost.body.find("MASK_INTERLEAVED_WITH_IMAGERY=YES") != std::string_view::npos;
      if (ghost.body.find("KNOWN_INCOMPATIBLE_EDITION=YES") != std::string_view::npos)
        add(v.errors, "known_incompatible_edition",
            "the GDAL structural metadata says KNOWN_INCOMPATIBLE_EDITION=YES: the file was changed after it "
            "was written as a COG");
      expected += 43 + ghost.size;
      expected += expected % 2;  // IFDs start on a word boundary
    }
    if (main.offset != expected)
      add(v.errors, "main_ifd_not_first",
          "the main IFD is at offset " + std::to_string(main.offset) + ", it should be at " + std::to_string(expected));
  }

  // Overviews by decreasing size, tiled, their IFDs in that order.
  std::vector<uint64_t> ifd_offsets{main.offset};
  for (size_t i = 0; i < overview_count; ++i) {
    const Ifd& ovr = header.ifds.at(pyramid.overviews[i]);
    const Grid g = grid(ovr);
    const Grid prev = i == 0 ? main_grid : grid(header.ifds.at(pyramid.overviews[i - 1]));
    if (g.width > prev.width || g.height > prev.height)
      add(v.errors, "overview_larger",
          "overview " + std::to_string(i) + " is " + size_text(g) + ", larger than " +
              (i == 0 ? std::string("the image") : "overview " + std::to_string(i - 1)) + " (" + size_text(prev) + ")");
    if (strip_like(g))
      add(v.errors, "overview_not_tiled", "overview " + std::to_string(i) + " (" + size_text(g) + ") is not tiled");
    ifd_offsets.push_back(ovr.offset);
    if (ovr.offset < ifd_offsets[i])
      add(v.errors, "ifd_order",
          "the IFD of overview " + std::to_string(i) + " is at offset " + std::to_string(ovr.offset) + ", before " +
              (i == 0 ? std::string("the main IFD") : "the IFD of overview " + std::to_string(i - 1)) + " at " +
              std::to_string(ifd_offsets[i]));
  }

  // Image data from the smallest overview to the full resolution, after the IFDs.
  std::vector<uint64_t> data{first_block_offset(main)};
  for (size_t o : pyramid.overviews) data.push_back(first_block_offset(header.ifds.at(o)));
  if (data.back() != 0 && data.back() < ifd_offsets.back())
    add(v.errors, "data_before_ifd",
        std::string(overview_count ? "the smallest overview's" : "the image's") + " first block, at offset " +
            std::to_string(data.back()) + ", is before its IFD, at " + std::to_string(ifd_offsets.back()));
  for (size_t i = data.size() >= 2 ? data.size() - 2 : 0; i >= 1; --i) {
    if (data[i] != 0 && data[i] < data[i + 1])
      add(v.errors, "overview_data_order",
          "the first block of overview " + std::to_string(i - 1) + ", at offset " + std::to_string(data[i]) +
              ", is before the one of overview " + std::to_string(i) + ", at " + std::to_string(data[i + 1]));
  }
  if (data.size() >= 2 && data[0] != 0 && data[0] < data[1])
    add(v.errors, "main_data_order",
        "the image's first block, at offset " + std::to_string(data[0]) + ", is before the one of overview 0, at " +
            std::to_string(data[1]));

  // What the structural metadata declares about the blocks.
  if (declared.any()) {
    const auto mask_ifd = [&](std::optional<size_t> i) { return i ? &header.ifds.at(*i) : nullptr; };
    // The script checks a mask's own blocks when GDAL sees it as the dataset's mask (one band).
    const auto per_dataset = [&](const Ifd* m) { return m && band_count(*m) == std::optional<uint64_t>(1); };
    const Ifd* mask = mask_ifd(pyramid.mask);
    check_blocks("main image", main, mask, declared, v.errors);
    if (per_dataset(mask)) check_blocks("mask of the main image", *mask, nullptr, declared, v.errors);
    for (size_t i = 0; i < overview_count; ++i) {
      const Ifd* ovr_mask = mask_ifd(pyramid.overview_masks[i]);
      const std::string name = "overview " + std::to_string(i);
      check_blocks(name, header.ifds.at(pyramid.overviews[i]), ovr_mask, declared, v.errors);
      if (per_dataset(ovr_mask)) check_blocks("mask of " + name, *ovr_mask, nullptr, declared, v.errors);
    }
  }
  if (declared.leader) v.not_checked.emplace_back("block_leader");
  if (declared.trailer) v.not_checked.emplace_back("block_trailer");
  v.valid = v.errors.empty();
  return v;
}

BlockIntegrity block_integrity(const tiff::Header& header, std::optional<uint64_t> object_size) {
  BlockIntegrity r;
  if (object_size) r.past_object_end = 0;
  // Each IFD's ranges form a run. Writers lay a run out in order and the runs apart from
  // one another (a COG: the smallest overview's first), so each run is swept where it lies
  // and only the runs are sorted; when they interleave (a mask interleaved with its image)
  // or a run is out of order, every range is sorted (sorting every range was half of all
  // instructions per object).
  using Range = std::pair<uint64_t, uint64_t>;  // [offset, end) of a block with data
  struct Run {
    Range first;
    uint64_t reach = 0;  // the furthest end in the run
    uint64_t overlapping = 0, shared = 0;
  };
  std::vector<Run> runs;
  bool in_order = true;
  std::unordered_set<uint64_t> seen_ifds;  // an IFD listed twice counts once
  std::vector<const Ifd*> ifds;
  for (const Ifd& d : header.ifds) {
    if (!seen_ifds.insert(d.offset).second) continue;
    ifds.push_back(&d);
    r.count += d.block_offsets.size();
    Run run;
    bool empty = true;
    Range previous{};
    for (size_t i = 0; i < d.block_offsets.size(); ++i) {
      const uint64_t offset = d.block_offsets[i], bytes = d.block_byte_counts[i];
      if (offset == 0 || bytes == 0) {
        ++r.sparse;
        continue;
      }
      if (object_size && (bytes > *object_size || offset > *object_size - bytes)) ++*r.past_object_end;
      const Range range{offset, offset > UINT64_MAX - bytes ? UINT64_MAX : offset + bytes};
      if (empty) {
        run.first = range;
        empty = false;
      } else if (range < previous) {
        in_order = false;
      } else if (range == previous) {
        ++run.shared;
      } else if (range.first < run.reach) {
        ++run.overlapping;
      }
      run.reach = std::max(run.reach, range.second);
      previous = range;
    }
    if (!empty) runs.push_back(run);
  }
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.first < b.first; });
  for (size_t i = 1; in_order && i < runs.size(); ++i) in_order = runs[i - 1].reach <= runs[i].first.first;
  if (in_order) {  // each run sorted, the runs apart: their counts add up
    for (const Run& run : runs) r.overlapping += run.overlapping, r.shared += run.shared;
    return r;
  }
  std::vector<Range> ranges;
  for (const Ifd* d : ifds) {
    for (size_t i = 0; i < d->block_offsets.size(); ++i) {
      const uint64_t offset = d->block_offsets[i], bytes = d->block_byte_counts[i];
      if (offset != 0 && bytes != 0) ranges.emplace_back(offset, offset > UINT64_MAX - bytes ? UINT64_MAX : offset + bytes);
    }
  }
  std::sort(ranges.begin(), ranges.end());
  uint64_t reach = 0;  // the furthest end of the ranges before
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (i > 0 && ranges[i] == ranges[i - 1]) {
      ++r.shared;
    } else if (ranges[i].first < reach) {
      ++r.overlapping;
    }
    reach = std::max(reach, ranges[i].second);
  }
  return r;
}

}  // namespace td::catalog
