#include "store/s3/s3_client.h"

#include "store/common/http_status.h"

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

std::string S3Backend::describe(const std::string& full_key) const {
  return scheme_ + "://" + config_.bucket + "/" + full_key;
}

std::string S3Backend::what(HttpOp op, const std::string&) const {
  // Reads and HEADs keep the engine's message (it names the URL).
  return op == HttpOp::list ? "listing bucket '" + config_.bucket + "'" : "";
}

SignedRequest S3Backend::build(S3Request r) const {
  SignedRequest call;
  call.request = to_http_request(config_, r);
  if (config_.credentials.empty()) return call;  // unsigned: skip_signature, or nothing configured
  // The store's engine is destroyed before its backend (waiting for its
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

Error S3Backend::status_error(const http::Response& response, HttpOp op, const std::string&,
                              const std::string& url) {
  // The "no credentials" hint once: on the listing, or the first failed read.
  bool hint = response.status == 403 && config_.credentials.empty() && !config_.skip_signature &&
              !unsigned_hint_given_.exchange(true);
  std::string what = op == HttpOp::list ? "listing bucket '" + config_.bucket + "' at"
                                        : op == HttpOp::get ? "GET" : "HEAD";
  return s3_error(response, what, url, config_, hint);
}

SignedRequest S3Backend::list_request(const std::string& full_prefix, size_t max_keys, const std::string& token,
                                      const std::string& delimiter) const {
  std::vector<std::pair<std::string, std::string>> query = {
      {"list-type", "2"}, {"encoding-type", "url"}, {"max-keys", std::to_string(max_keys)}};
  if (!full_prefix.empty()) query.emplace_back("prefix", full_prefix);
  if (!token.empty()) query.emplace_back("continuation-token", token);
  if (!delimiter.empty()) query.emplace_back("delimiter", delimiter);
  return build(S3Request{"GET", bucket_path(config_), std::move(query), {}});
}

bool S3Backend::page_is_whole(const std::string& body) const {
  return body.find("</ListBucketResult>") != std::string::npos;
}

Result<ListingPage> S3Backend::parse_page(const std::string& body) const {
  auto parsed = parse_list_objects_v2(body);
  if (!parsed.ok()) return parsed.error();
  return ListingPage{std::move(parsed->objects), std::move(parsed->common_prefixes), parsed->truncated,
                     std::move(parsed->next_token)};
}

SignedRequest S3Backend::get_request(const std::string& full_key, const std::string& range) const {
  return build(S3Request{"GET", object_path(config_, full_key), {}, {{"range", range}}});
}

SignedRequest S3Backend::stat_request(const std::string& full_key) const {
  return build(S3Request{"HEAD", object_path(config_, full_key), {}, {}});
}

}  // namespace td::store::s3
