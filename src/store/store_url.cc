#include "store/store_url.h"

#include "http/engine.h"
#include "util/redact.h"

namespace td::store {

namespace {

// Splits "bucket/some/prefix" into bucket and prefix.
void split_bucket(const std::string& rest, StoreUrl& u) {
  auto slash = rest.find('/');
  u.bucket = rest.substr(0, slash);
  u.prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
}

}  // namespace

Result<StoreUrl> parse_store_url(const std::string& url) {
  StoreUrl u;
  auto sep = url.find("://");
  if (sep == std::string::npos) {
    u.kind = StoreKind::local;
    u.path = url;
    return u;
  }
  u.scheme = url.substr(0, sep);
  std::string rest = url.substr(sep + 3);
  auto bad = [&](const std::string& why) {
    return Error{ErrorKind::config, "bad store URL '" + redact_store_url(url) + "': " + why};
  };
  if (u.scheme != "file") {
    // The query (a SAS token, a signature) is kept apart from the names, so it
    // never becomes part of a bucket, container or key.
    if (auto q = rest.find('?'); q != std::string::npos) {
      u.query = rest.substr(q + 1);
      rest.erase(q);
    }
    std::string authority = rest.substr(0, rest.find('/'));
    bool user_info = u.scheme == "abfs" || u.scheme == "abfss"
                         ? authority.find('@') != authority.rfind('@')  // user:pass@container@account
                         : authority.find('@') != std::string::npos;
    bool http_scheme = u.scheme == "http" || u.scheme == "https";
    if (user_info && !(http_scheme && authority.find(".blob.core.windows.net") == std::string::npos)) {
      return bad("credentials in the URL (user:password@) are not accepted for object stores; give them in "
                 "store.obstore_config or the environment");
    }
  }
  if (u.scheme == "file") {
    if (rest.empty() || rest[0] != '/') return bad("file:// URLs need an absolute path (file:///data/tiffs)");
    u.kind = StoreKind::local;
    u.path = rest;
    return u;
  }
  if (u.scheme == "s3" || u.scheme == "s3a") {
    u.kind = StoreKind::s3;
    split_bucket(rest, u);
  } else if (u.scheme == "gs") {
    u.kind = StoreKind::gcs;
    split_bucket(rest, u);
  } else if (u.scheme == "az" || u.scheme == "azure" || u.scheme == "adl") {
    u.kind = StoreKind::azure;
    split_bucket(rest, u);
  } else if (u.scheme == "abfs" || u.scheme == "abfss") {
    u.kind = StoreKind::azure;
    std::string authority = rest.substr(0, rest.find('/'));
    auto at = authority.find('@');
    if (at == std::string::npos) return bad("abfs URLs look like abfss://container@account.dfs.core.windows.net/path");
    u.bucket = authority.substr(0, at);
    u.account = authority.substr(at + 1, authority.find('.', at) - at - 1);
    u.prefix = rest.find('/') == std::string::npos ? "" : rest.substr(rest.find('/') + 1);
  } else if (u.scheme == "http" || u.scheme == "https") {
    std::string host = rest.substr(0, rest.find('/'));
    const std::string blob = ".blob.core.windows.net";
    if (host.size() > blob.size() && host.compare(host.size() - blob.size(), blob.size(), blob) == 0) {
      u.kind = StoreKind::azure;
      u.account = host.substr(0, host.size() - blob.size());
      split_bucket(rest.find('/') == std::string::npos ? "" : rest.substr(rest.find('/') + 1), u);
    } else {
      u.kind = StoreKind::http;
      u.path = url;
    }
  } else {
    return bad("unknown scheme '" + u.scheme + "' (use a path, file://, s3://, gs://, az://, http:// or https://)");
  }
  if (u.kind != StoreKind::http && u.bucket.empty()) return bad("no bucket or container name");
  return u;
}

std::string redact_store_url(const std::string& url) {
  if (url.find("://") == std::string::npos) return url;  // a local path
  // Cut at the first '?' or '#' whatever precedes it (spaces, ',' and ';'
  // included: redact()'s scan of free text would stop at them).
  return http::redact_url(url);
}

std::string key_line_for_output(const std::string& store_url, const std::string& line) {
  if (line.rfind("s3://", 0) == 0 || line.rfind("gs://", 0) == 0 || line.rfind("file://", 0) == 0) {
    // S3, GCS and local keys may hold '?' and '#': they are part of the key,
    // not a query, so keep them (distinct keys, distinct paths); only user
    // info (refused as a store URL) could carry a secret.
    std::string out = line;
    size_t start = out.find("://") + 3;
    size_t slash = out.find('/', start);
    size_t at = out.rfind('@', slash == std::string::npos ? std::string::npos : slash);
    if (at != std::string::npos && at >= start && (slash == std::string::npos || at < slash)) out.erase(start, at + 1 - start);
    return out;
  }
  if (line.find("://") != std::string::npos) return http::redact_url(line);  // http(s), Azure: query, user info
  auto parsed = parse_store_url(store_url);
  if (parsed.ok() && parsed->kind == StoreKind::http) return line.substr(0, line.find_first_of("?#"));
  return line;
}

Result<ObjectLocation> split_object_url(const std::string& url) {
  auto parsed = parse_store_url(url);
  if (!parsed.ok()) return parsed.error();
  const StoreUrl& u = *parsed;
  auto no_key = [&] { return Error{ErrorKind::config, "'" + url + "' names a store, not an object"}; };
  if (u.kind == StoreKind::local) {
    auto slash = u.path.rfind('/');
    if (slash == std::string::npos) return ObjectLocation{".", u.path};
    if (slash + 1 == u.path.size()) return no_key();
    return ObjectLocation{slash == 0 ? "/" : u.path.substr(0, slash), u.path.substr(slash + 1)};
  }
  if (u.kind == StoreKind::http) {
    auto host_end = url.find('/', url.find("://") + 3);
    if (host_end == std::string::npos || host_end + 1 == url.size()) return no_key();
    return ObjectLocation{url.substr(0, host_end + 1), url.substr(host_end + 1)};
  }
  if (u.prefix.empty()) return no_key();
  // Everything before the key: the URL without its query, minus its trailing key text.
  std::string base = url.substr(0, url.find_first_of("?#"));
  base = base.substr(0, base.size() - u.prefix.size() - 1);
  if (u.kind == StoreKind::azure && !u.query.empty()) return ObjectLocation{base + "?" + u.query, u.prefix};  // SAS
  // S3 and GCS keys may hold '?': it stays part of the key, as before.
  return ObjectLocation{base, u.query.empty() ? u.prefix : u.prefix + "?" + u.query};
}

Result<std::string> key_in_store(const std::string& store_url, const std::string& line) {
  if (line.find("://") == std::string::npos && (line.empty() || line[0] != '/')) return line;  // a plain key
  std::string base = store_url;
  if (base.rfind("file://", 0) == 0) base = base.substr(7);
  std::string query;  // an Azure store URL's SAS: lines may carry it too
  if (base.find("://") != std::string::npos && base.find('?') != std::string::npos) {
    query = base.substr(base.find('?'));
    base.erase(base.find('?'));
  }
  if (!base.empty() && base.back() != '/') base += '/';
  std::string target = line.rfind("file://", 0) == 0 ? line.substr(7) : line;
  if (!query.empty() && target.size() > query.size() &&
      target.compare(target.size() - query.size(), query.size(), query) == 0) {
    target.erase(target.size() - query.size());
  }
  if (target.compare(0, base.size(), base) == 0) return target.substr(base.size());
  return Error{ErrorKind::invalid_value,
               "'" + redact_store_url(line) + "' is not inside the store " + redact_store_url(store_url)};
}

}  // namespace td::store
