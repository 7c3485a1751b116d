#include "cli/config.h"

#include <yaml-cpp/yaml.h>

#include <set>

namespace td::cli {
namespace {

Error config_error(const std::string& path, const std::string& message) {
  return Error{ErrorKind::config, path + ": " + message};
}

Status check_keys(const std::string& path, const YAML::Node& map, const std::string& where,
                  const std::set<std::string>& allowed) {
  for (const auto& kv : map) {
    std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return config_error(path, "unknown key '" + where + key + "' (allowed under " +
                                    (where.empty() ? "the top level" : "'" + where.substr(0, where.size() - 1) + "'") +
                                    ": " + list + ")");
    }
  }
  return Status();
}

Result<size_t> positive_int(const std::string& path, const YAML::Node& node, const std::string& name) {
  try {
    long long v = node.as<long long>();
    if (v <= 0) return config_error(path, name + " must be a positive integer, got " + std::to_string(v));
    return static_cast<size_t>(v);
  } catch (const YAML::Exception&) {
    return config_error(path, name + " must be a positive integer, got '" + YAML::Dump(node) + "'");
  }
}

// Config keys that a `headers` flag can set or override.
struct KeyFlag {
  const char* key;
  const char* flag;
};
constexpr KeyFlag kKeyFlags[] = {
    {"name", "--store"},               // store.name
    {"prefixes", "--prefix"},          // store.prefixes
    {"n_consumers", "--concurrency"},  // concurrency.n_consumers
};

}  // namespace

const char* flag_for_key(const std::string& key) {
  for (const auto& kf : kKeyFlags) {
    if (key == kf.key) return kf.flag;
  }
  return nullptr;
}

bool is_known_store_option(const std::string& key) {
  static const std::set<std::string> known = {
      // S3 (obstore / object_store names, with and without the aws_ prefix)
      "aws_access_key_id", "access_key_id", "aws_secret_access_key", "secret_access_key",
      "aws_session_token", "session_token", "token", "aws_region", "region", "aws_default_region",
      "default_region", "aws_endpoint", "endpoint", "aws_endpoint_url", "endpoint_url",
      "aws_skip_signature", "skip_signature", "aws_virtual_hosted_style_request",
      "virtual_hosted_style_request", "aws_request_payer", "request_payer", "aws_bucket", "bucket",
      "aws_bucket_name", "bucket_name", "aws_unsigned_payload", "unsigned_payload", "aws_checksum_algorithm",
      "checksum_algorithm", "aws_imdsv1_fallback", "imdsv1_fallback", "aws_s3_express", "s3_express",
      "aws_conditional_put", "conditional_put", "aws_disable_tagging", "disable_tagging",
      "aws_server_side_encryption", "aws_sse_kms_key_id", "aws_sse_bucket_key_enabled",
      "aws_container_credentials_relative_uri", "aws_metadata_endpoint", "metadata_endpoint",
      // Azure
      "azure_storage_account_name", "account_name", "azure_storage_account_key", "account_key",
      "access_key", "azure_storage_sas_token", "sas_token", "sas_key", "azure_storage_token",
      "bearer_token", "azure_storage_client_id", "client_id", "azure_storage_client_secret",
      "client_secret", "azure_storage_tenant_id", "tenant_id", "azure_storage_authority_id",
      "authority_id", "azure_storage_use_emulator", "use_emulator", "azure_storage_endpoint",
      "azure_endpoint", "azure_container_name", "container_name", "azure_use_fabric_endpoint",
      "use_fabric_endpoint", "azure_skip_signature", "azure_storage_use_azure_cli", "use_azure_cli",
      "azure_msi_endpoint", "msi_endpoint", "azure_object_id", "object_id", "azure_msi_resource_id",
      "msi_resource_id", "azure_federated_token_file", "federated_token_file", "azure_disable_tagging",
      // GCS
      "google_service_account", "service_account", "google_service_account_path",
      "service_account_path", "google_service_account_key", "service_account_key",
      "google_bucket", "google_bucket_name", "google_application_credentials",
      "google_skip_signature",
      // Client options
      "allow_http", "aws_allow_http", "allow_invalid_certificates", "timeout", "connect_timeout",
      "pool_idle_timeout", "pool_max_idle_per_host", "http1_only", "http2_only", "proxy_url",
      "proxy_ca_certificate", "proxy_excludes", "user_agent", "default_content_type",
      "http2_keep_alive_interval", "http2_keep_alive_timeout", "http2_keep_alive_while_idle",
      "randomize_addresses", "ca_bundle",
  };
  return known.count(key) > 0;
}

namespace {

Result<Config> config_from_node(const std::string& path, const YAML::Node& root) {
  if (!root.IsMap()) return config_error(path, "the config must be a YAML mapping with 'store' and 'concurrency'");
  if (Status s = check_keys(path, root, "", {"store", "concurrency"}); !s.ok()) return s.error();

  Config c;
  const YAML::Node store = root["store"];
  if (!store || !store.IsMap()) return config_error(path, "missing 'store' mapping (with at least 'name')");
  if (Status s = check_keys(path, store, "store.", {"name", "prefixes", "obstore_config"}); !s.ok()) return s.error();
  if (!store["name"] || !store["name"].IsScalar() || store["name"].as<std::string>().empty()) {
    return config_error(path, "'store.name' must be the store URL or directory (e.g. s3://bucket or /data/tiffs)");
  }
  c.store_name = store["name"].as<std::string>();
  if (const YAML::Node p = store["prefixes"]; p && !p.IsNull()) {
    if (!p.IsSequence()) return config_error(path, "'store.prefixes' must be a list of prefixes");
    for (const auto& item : p) {
      if (!item.IsScalar()) return config_error(path, "'store.prefixes' entries must be strings");
      c.prefixes.push_back(item.as<std::string>());
    }
  }
  if (const YAML::Node o = store["obstore_config"]; o && !o.IsNull()) {
    if (!o.IsMap()) return config_error(path, "'store.obstore_config' must be a mapping of option -> value");
    for (const auto& kv : o) {
      std::string key = kv.first.as<std::string>();
      if (!is_known_store_option(key)) {
        return config_error(path, "unknown key 'store.obstore_config." + key + "' (not an obstore option)");
      }
      if (!kv.second.IsScalar()) return config_error(path, "'store.obstore_config." + key + "' must be a scalar");
      c.store_options[key] = kv.second.as<std::string>();
    }
  }

  if (const YAML::Node conc = root["concurrency"]; conc && !conc.IsNull()) {
    if (!conc.IsMap()) return config_error(path, "'concurrency' must be a mapping");
    if (Status s = check_keys(path, conc, "concurrency.",
                              {"n_consumers", "list_chunk_size", "max_buffer_size", "write_chunk_size"});
        !s.ok()) {
      return s.error();
    }
    struct Field { const char* name; size_t* target; };
    for (Field f : {Field{"n_consumers", &c.n_consumers}, Field{"list_chunk_size", &c.list_chunk_size},
                    Field{"max_buffer_size", &c.max_buffer_size}, Field{"write_chunk_size", &c.write_chunk_size}}) {
      if (const YAML::Node v = conc[f.name]; v && !v.IsNull()) {
        auto n = positive_int(path, v, std::string("concurrency.") + f.name);
        if (!n.ok()) return n.error();
        *f.target = *n;
      }
    }
  }
  return c;
}

}  // namespace

Result<Config> load_config(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return config_error(path, "cannot read the config file");
  } catch (const YAML::Exception& e) {
    return config_error(path, std::string("invalid YAML: ") + e.what());
  }
  return config_from_node(path, root);
}

Result<Config> load_config_text(const std::string& text, const std::string& label) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return config_error(label, std::string("invalid YAML: ") + e.what());
  }
  return config_from_node(label, root);
}

Status validate_config(const Config& c) {
  auto fail = [](const std::string& m) { return Status(Error{ErrorKind::config, m}); };
  // "n_consumers (20)" from a file or the default; "--concurrency (n_consumers) 20" from a flag.
  auto n = [&](const char* key, size_t v) {
    const char* flag = flag_for_key(key);
    if (flag && c.from_flags.count(key)) return std::string(flag) + " (" + key + ") " + std::to_string(v);
    return std::string(key) + " (" + std::to_string(v) + ")";
  };
  if (c.n_consumers > c.list_chunk_size) {
    return fail(n("n_consumers", c.n_consumers) + " must be <= " + n("list_chunk_size", c.list_chunk_size));
  }
  if (c.max_buffer_size < c.list_chunk_size) {
    return fail(n("max_buffer_size", c.max_buffer_size) + " must be >= " + n("list_chunk_size", c.list_chunk_size));
  }
  if (c.max_buffer_size % c.list_chunk_size != 0) {
    return fail(n("max_buffer_size", c.max_buffer_size) + " must be a multiple of " +
                n("list_chunk_size", c.list_chunk_size));
  }
  if (c.write_chunk_size < c.list_chunk_size) {
    return fail(n("write_chunk_size", c.write_chunk_size) + " must be >= " + n("list_chunk_size", c.list_chunk_size));
  }
  if (c.write_chunk_size > c.max_buffer_size) {
    return fail(n("write_chunk_size", c.write_chunk_size) + " must be <= " + n("max_buffer_size", c.max_buffer_size));
  }
  return Status();
}

}  // namespace td::cli
