#include "store/s3/s3_store.h"

#include "store/common/list_progress.h"
#include "store/common/transport_options.h"
#include "util/log.h"
#include "util/redact.h"

namespace td::store {

namespace {

std::string as_root(const std::string& prefix) {
  if (prefix.empty() || prefix.back() == '/') return prefix;
  return prefix + "/";
}

std::optional<std::string> first_option(const std::map<std::string, std::string>& config,
                                        std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (auto it = config.find(n); it != config.end()) return it->second;
  }
  return std::nullopt;
}

// What the credentials hold, for redact().
void register_s3_secrets(const s3::Credentials& c) {
  register_secret(c.secret_access_key);
  register_secret(c.session_token);
}

void report(const s3::S3Config& c) {
  for (const auto& note : c.notes) log::warn("S3: " + note);
  if (c.credentials.empty() && !c.skip_signature) {
    log::info("S3: no AWS credentials found; sending unsigned requests (set skip_signature: true for public buckets)");
  } else if (!c.credentials.empty()) {
    log::debug("S3: credentials from " + c.credentials_source + ", region " + c.region + ", " + c.origin);
  }
}

}  // namespace

S3Store::S3Store(s3::S3Config config, const http::EngineOptions& engine_options, std::string root, std::string scheme)
    : root_(std::move(root)), scheme_(std::move(scheme)), client_(std::move(config), engine_options) {}

std::string S3Store::describe(const std::string& key) const {
  return scheme_ + "://" + client_.config().bucket + "/" + root_ + key;
}

Status S3Store::list(const std::string& prefix, size_t page_size,
                     const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) {
  std::vector<std::string> unused;
  return list_pages(prefix, page_size, on_page, "", unused);
}

Status S3Store::list_level(const std::string& prefix, size_t page_size,
                           const std::function<bool(std::vector<ObjectInfo>&&)>& on_page,
                           std::vector<std::string>& children) {
  children.clear();
  return list_pages(prefix, page_size, on_page, "/", children);
}

Status S3Store::list_pages(const std::string& prefix, size_t page_size,
                           const std::function<bool(std::vector<ObjectInfo>&&)>& on_page, const std::string& delimiter,
                           std::vector<std::string>& children) {
  std::string token;
  ListProgress progress("S3 listing of " + describe(prefix), "continuation token");
  do {
    auto page = client_.list_page(root_ + prefix, page_size, token, delimiter);
    if (!page.ok()) return page.error();
    // Before any key is passed on: a page that repeats or loops is never handed out.
    if (Status s = progress.check_page(page->objects, page->objects.size() + page->common_prefixes.size(),
                                       page->truncated, page->next_token);
        !s.ok()) {
      return s;
    }
    std::vector<ObjectInfo> objects;
    objects.reserve(page->objects.size());
    for (auto& o : page->objects) {
      if (o.key.compare(0, root_.size(), root_) != 0) continue;  // not under the root (a server bug)
      o.key.erase(0, root_.size());
      objects.push_back(std::move(o));
    }
    for (auto& child : page->common_prefixes) {
      if (child.compare(0, root_.size(), root_) == 0) children.push_back(child.substr(root_.size()));
    }
    if (!objects.empty() && !on_page(std::move(objects))) return Status();
    token = page->truncated ? page->next_token : "";
  } while (!token.empty());
  return Status();
}

void S3Store::read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) {
  // Nothing to fetch at or past a known end (an empty object): S3 would
  // answer 416, so spare the round trip.
  if (length == 0 || (object.size && offset >= *object.size)) {
    RangeRead empty;
    empty.object_size = object.size;
    return done(std::move(empty));
  }
  client_.get_range(root_ + object.key, offset, length, std::move(done));
}

Result<ObjectInfo> S3Store::stat(const std::string& key) {
  auto info = client_.head(root_ + key);
  if (info.ok()) info->key = key;
  return info;
}

Result<std::unique_ptr<Store>> open_s3_store(const StoreUrl& u, const StoreOptions& options) {
  auto config = s3::resolve_s3_config(u.bucket, options.config, s3::process_environment());
  if (!config.ok()) return config.error();
  http::EngineOptions engine = options.http;
  if (Status s = apply_transport_options(options.config, engine); !s.ok()) return s.error();
  register_s3_secrets(config->credentials);
  report(*config);
  std::unique_ptr<Store> store = std::make_unique<S3Store>(std::move(*config), engine, as_root(u.prefix), "s3");
  return store;
}

Result<std::unique_ptr<Store>> open_s3_compatible_store(const std::string& bucket, const std::string& prefix,
                                                        const std::string& endpoint, const std::string& region,
                                                        const s3::Credentials& credentials,
                                                        const StoreOptions& options, const std::string& url_scheme) {
  s3::S3Config c;
  c.bucket = bucket;
  c.endpoint = endpoint;
  c.region = region;
  c.credentials = credentials;
  register_s3_secrets(credentials);
  c.skip_signature = credentials.empty();
  c.credentials_source = url_scheme == "gs" ? "the HMAC key in store.obstore_config" : "the given credentials";
  if (auto allow = first_option(options.config, {"allow_http", "aws_allow_http"})) {
    auto b = parse_bool_option("allow_http", *allow);
    if (!b.ok()) return b.error();
    c.allow_http = *b;
  }
  if (Status s = s3::resolve_addressing(c, false); !s.ok()) return s.error();
  http::EngineOptions engine = options.http;
  if (Status s = apply_transport_options(options.config, engine); !s.ok()) return s.error();
  std::unique_ptr<Store> store = std::make_unique<S3Store>(std::move(c), engine, as_root(prefix), url_scheme);
  return store;
}

bool wants_gcs_xml_api(const std::map<std::string, std::string>& config) {
  if (first_option(config, {"aws_access_key_id", "access_key_id"})) return true;
  auto skip = first_option(config, {"google_skip_signature", "skip_signature", "aws_skip_signature"});
  if (!skip) return false;
  auto b = parse_bool_option("skip_signature", *skip);
  return b.ok() && *b;
}

Result<std::unique_ptr<Store>> open_gcs_hmac_store(const StoreUrl& u, const StoreOptions& options) {
  s3::Credentials credentials;
  auto skip = first_option(options.config, {"google_skip_signature", "skip_signature", "aws_skip_signature"});
  bool anonymous = false;
  if (skip) {
    auto b = parse_bool_option("skip_signature", *skip);
    if (!b.ok()) return b.error();
    anonymous = *b;
  }
  if (!anonymous) {
    auto id = first_option(options.config, {"aws_access_key_id", "access_key_id"});
    auto secret = first_option(options.config, {"aws_secret_access_key", "secret_access_key"});
    if (!id || !secret) {
      return Error{ErrorKind::config, "GCS HMAC access needs both aws_access_key_id (the HMAC access id) and "
                                      "aws_secret_access_key (its secret) in store.obstore_config"};
    }
    credentials = s3::Credentials{*id, *secret, ""};
  }
  std::string endpoint = first_option(options.config, {"aws_endpoint", "endpoint", "aws_endpoint_url", "endpoint_url"})
                             .value_or("https://storage.googleapis.com");
  return open_s3_compatible_store(u.bucket, u.prefix, endpoint, "auto", credentials, options, "gs");
}

}  // namespace td::store
