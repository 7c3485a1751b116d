// Test tool: signs S3 requests with our code, for the cross-check against an
// independent signer (sigv4_crosscheck.mjs, @smithy/signature-v4).
//
// stdin: a JSON array of cases
//   {"name", "method", "endpoint" ("" = AWS), "bucket", "key" (absent: the
//    bucket itself, as a listing), "virtual_hosted" (optional bool), "query":
//    [[name, value], ...] (raw), "headers": [[name, value], ...], "region",
//    "access_key_id", "secret_access_key", "session_token", "request_payer"
//    (optional bool), "time" (epoch s)}
// stdout: a JSON array of {"name", "method", "url", "headers": [[name, value], ...]}
// with every header we would send, Authorization included.
#include <iostream>
#include <nlohmann/json.hpp>

#include "store/s3/s3_client.h"

using namespace td::store::s3;

int main() {
  nlohmann::json cases;
  try {
    std::cin >> cases;
  } catch (const std::exception& e) {
    std::cerr << "sigv4_sign: bad JSON on stdin: " << e.what() << "\n";
    return 2;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : cases) {
    S3Config config;
    config.bucket = c.at("bucket").get<std::string>();
    config.endpoint = c.value("endpoint", "");
    config.region = c.value("region", "us-east-1");
    config.allow_http = true;
    config.request_payer = c.value("request_payer", false);
    config.credentials = Credentials{c.value("access_key_id", ""), c.value("secret_access_key", ""),
                                     c.value("session_token", "")};
    std::optional<bool> vhost;
    if (c.contains("virtual_hosted")) vhost = c["virtual_hosted"].get<bool>();
    if (auto s = resolve_addressing(config, vhost); !s.ok()) {
      std::cerr << "sigv4_sign: " << s.error().message << "\n";
      return 1;
    }
    S3Request r;
    r.method = c.value("method", "GET");
    r.path = c.contains("key") ? object_path(config, c["key"].get<std::string>()) : bucket_path(config);
    for (const auto& q : c.value("query", nlohmann::json::array())) r.query.emplace_back(q[0], q[1]);
    for (const auto& h : c.value("headers", nlohmann::json::array())) r.headers.emplace_back(h[0], h[1]);
    td::http::Request request = to_http_request(config, r);
    sign_http_request(request, config, r, c.at("time").get<std::time_t>());
    nlohmann::json headers = nlohmann::json::array();
    for (const auto& [name, value] : request.headers) headers.push_back({name, value});
    out.push_back({{"name", c.value("name", "")}, {"method", request.method}, {"url", request.url}, {"headers", headers}});
  }
  std::cout << out.dump(1) << "\n";
  return 0;
}
