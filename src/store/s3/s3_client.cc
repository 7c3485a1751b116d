#include "store/s3/s3_client.h"

#include "store/common/http_metadata.h"
#include "store/common/http_status.h"

#include <algorithm>
#include <ctime>

namespace td::store::s3 {

namespace {

const char* reason(long status) {
  switch (status) {
    case 301: return "Moved Permanently";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

std::vector<std::pair<std::string, std::string>> all_headers(const S3Config& c, const S3Request& r) {
  auto headers = r.headers;
  headers.emplace_back("host", c.host);
  if (c.request_payer) headers.emplace_back("x-amz-request-payer", "requester");
  return headers;
}

}  // namespace

std::string object_path(const S3Config& c, const std::string& key) { return c.base_path + encode_object_path(key); }

std::string bucket_path(const S3Config& c) { return c.base_path.empty() ? "/" : c.base_path; }

http::Request to_http_request(const S3Config& c, const S3Request& r) {
  http::Request out;
  std::string qs = canonical_query(r.query);
  out.method = r.method;
  out.url = c.origin + r.path + (qs.empty() ? "" : "?" + qs);
  out.headers = all_headers(c, r);
  return out;
}

void sign_http_request(http::Request& out, const S3Config& c, const S3Request& r, std::time_t now) {
  SigningRequest s{r.method, r.path, r.query, all_headers(c, r), kEmptyPayloadHash};
  size_t before = s.headers.size();
  std::string authorization = sign(s, c.credentials, c.region, "s3", now);
  for (size_t i = before; i < s.headers.size(); ++i) out.headers.push_back(s.headers[i]);
  out.headers.emplace_back("authorization", std::move(authorization));
}

S3Client::S3Client(S3Config config, const http::EngineOptions& engine_options)
    : config_(std::move(config)), engine_(std::make_unique<http::Engine>(engine_options)) {}

std::string S3Client::object_url(const std::string& key) const { return config_.origin + object_path(config_, key); }

S3Client::Call S3Client::build(S3Request r) const {
  Call call;
  call.request = to_http_request(config_, r);
  if (config_.credentials.empty()) return call;  // unsigned: skip_signature, or nothing configured
  // The engine is the client's last member, destroyed first (waiting for its
  // transfers), so `this` outlives every attempt.
  call.prepare = [this, r = std::move(r)](http::Request& request) -> Status {
    sign_http_request(request, config_, r, std::time(nullptr));
    return Status();
  };
  return call;
}

Error s3_error(const http::Response& response, const std::string& what, const std::string& url,
               const S3Config& config, bool mention_unsigned) {
  ErrorBody body = parse_error_body(response.body).value_or(ErrorBody{});
  std::string code = body.code;
  std::string region = response.header("x-amz-bucket-region").value_or(body.region);
  std::string message = what + " " + http::redact_url(url) + ": HTTP " + std::to_string(response.status);
  if (const char* r = reason(response.status); *r) message += std::string(" ") + r;
  if (!code.empty()) message += ": " + code;
  if (!body.message.empty()) message += ": " + body.message;
  if (code.empty() && !response.body.empty()) {
    // Not an S3 error document (a proxy's HTML page, ...): show its start, on one line.
    std::string start = response.body.substr(0, 200);
    for (char& c : start) if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    message += ": " + start;
  }

  ErrorKind kind = http_status_kind(response.status);
  // Credentials that are wrong or expired fail every request alike: the run fails
  // (resumable once fixed) instead of writing an error row for each object.
  if (code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId" || code == "ExpiredToken" ||
      code == "InvalidToken" || code == "TokenRefreshRequired" || code == "RequestTimeTooSkewed") {
    kind = ErrorKind::config;
  }

  bool region_problem = response.status == 301 || code == "PermanentRedirect" ||
                        code == "AuthorizationHeaderMalformed" || code == "IllegalLocationConstraintException";
  if (region_problem && !region.empty() && region != config.region) {
    message += " - bucket '" + config.bucket + "' is in region " + region + ", not " + config.region +
               "; set region: " + region + " in store.obstore_config (or AWS_REGION=" + region + ")";
  } else if (response.status == 301) {
    message += " - the bucket is served by another endpoint" +
               (body.endpoint.empty() ? std::string() : " (" + body.endpoint + ")") + "; check region and endpoint";
  } else if (code == "SignatureDoesNotMatch") {
    message += " - check the secret access key (from " + config.credentials_source + ")";
  } else if (code == "InvalidAccessKeyId") {
    message += " - check the access key id (from " + config.credentials_source + ")";
  } else if (code == "RequestTimeTooSkewed") {
    message += " - the local clock is off; fix it (SigV4 requests are valid for 15 minutes)";
  } else if (response.status == 403 && mention_unsigned) {
    message += " - no AWS credentials were found (store.obstore_config, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
               "or profile '" + config.profile + "' in ~/.aws), so requests were sent unsigned; configure "
               "credentials, or set skip_signature: true if the bucket is public";
  }
  return Error{kind, message};
}

Error S3Client::error_from(const http::Response& response, const std::string& what, const std::string& url) {
  // The "no credentials" hint once: on the listing, or the first failed read.
  bool hint = response.status == 403 && config_.credentials.empty() && !config_.skip_signature &&
              !unsigned_hint_given_.exchange(true);
  return s3_error(response, what, url, config_, hint);
}

Result<ListPage> S3Client::list_page(const std::string& prefix, size_t max_keys, const std::string& token,
                                     const std::string& delimiter) {
  std::vector<std::pair<std::string, std::string>> query = {
      {"list-type", "2"}, {"encoding-type", "url"}, {"max-keys", std::to_string(std::clamp<size_t>(max_keys, 1, 1u << 30))}};
  if (!prefix.empty()) query.emplace_back("prefix", prefix);
  if (!token.empty()) query.emplace_back("continuation-token", token);
  if (!delimiter.empty()) query.emplace_back("delimiter", delimiter);
  std::string path = bucket_path(config_);
  Call call = build(S3Request{"GET", path, std::move(query), {}});
  // A page cut short (a body without framing to tell) would drop keys: fetch it
  // again, and never read it as a complete page.
  auto response = engine_->perform(call.request, call.prepare);
  for (int attempt = 1; attempt < 3 && response.ok() && response->status == 200 &&
                        response->body.find("</ListBucketResult>") == std::string::npos; ++attempt) {
    response = engine_->perform(call.request, call.prepare);
  }
  std::string where = config_.origin + path;
  // Transport failures keep the engine's kind (config: untrusted TLS, unreachable host).
  if (!response.ok()) {
    return Error{response.error().kind, "listing bucket '" + config_.bucket + "': " + response.error().message};
  }
  if (response->status != 200) return error_from(*response, "listing bucket '" + config_.bucket + "' at", where);
  if (response->body.find("</ListBucketResult>") == std::string::npos) {
    return Error{ErrorKind::io, "listing bucket '" + config_.bucket + "' at " + http::redact_url(where) +
                                    ": the response ends early (no </ListBucketResult>)"};
  }
  auto page = parse_list_objects_v2(response->body);
  if (!page.ok()) {
    std::string start = response->body.substr(0, 200);
    return Error{ErrorKind::io, "listing bucket '" + config_.bucket + "' at " + http::redact_url(where) + ": " +
                                    page.error().message + " (body starts: " + start + ")"};
  }
  return page;
}

void S3Client::get_range(const std::string& key, uint64_t offset, uint64_t length,
                         std::function<void(Result<RangeRead>)> done) {
  std::string range = "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1);
  Call call = build(S3Request{"GET", object_path(config_, key), {}, {{"range", range}}});
  // A server that ignores Range sends the object from byte 0: the engine
  // discards up to `offset` and stops once the range is in hand (error
  // documents are kept up to 64 KiB).
  call.request.range_offset = offset;
  call.request.range_length = length;
  std::string url = call.request.url;
  engine_->submit(
      std::move(call.request),
      [this, offset, length, url, done = std::move(done)](Result<http::Response> response) {
        if (!response.ok()) return done(response.error());
        long s = response->status;
        if (s == 200 || s == 206 || s == 416) {
          return done(range_read_from_response(std::move(*response), offset, length, http::redact_url(url)));
        }
        done(error_from(*response, "GET", url));
      },
      std::move(call.prepare));
}

Result<ObjectInfo> S3Client::head(const std::string& key) {
  Call call = build(S3Request{"HEAD", object_path(config_, key), {}, {}});
  auto response = engine_->perform(call.request, call.prepare);
  if (!response.ok()) return response.error();
  if (response->status != 200) return error_from(*response, "HEAD", call.request.url);
  ObjectInfo info = object_info_from_response(*response, /*head_request=*/true);
  info.key = key;
  return info;
}

}  // namespace td::store::s3
