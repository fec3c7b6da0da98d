// The module contract. Each capability under src/<module>/ describes itself once, in
// src/<module>/contract.cc, with a Module: its name, schema, encrypted columns, public routes, how
// to open it (build its service, register its routes), its home-page items, demo data and jobs.
// The composition root (src/app) holds the ordered list and loops over it: migrations, the key
// check, key rotation, the backup note, routes, home page, demo and jobs all read the same list,
// so a module cannot be in one and missing from another.
//
// This folder sits BELOW the modules: it includes core, store and http only, never a module.
// Modules find each other's services (and the adapters the composition root writes between
// them) through Context::need<T>(), by type.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeindex>
#include <vector>

#include "core/crypto.h"
#include "core/error.h"
#include "http/metrics.h"
#include "http/router.h"
#include "store/database.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"

namespace eq::kernel {

// What a module's open/demo/job is given. The composition root fills the infrastructure and
// provides, before any module opens, the adapters between modules and each module's settings.
class Context {
 public:
  Context(store::Database& db, const crypto::Keys& keys, http::Router& router, http::Metrics& metrics, std::string data_dir,
          std::string key_file)
      : db(db), keys(keys), router(router), metrics(metrics), data_dir(std::move(data_dir)), key_file(std::move(key_file)) {}

  store::Database& db;
  const crypto::Keys& keys;
  http::Router& router;
  http::Metrics& metrics;
  const std::string data_dir;  // reference data (data/ in the repository)
  const std::string key_file;  // where the field-encryption keys are (other secrets live beside it)

  // A service or a value, one per type: a module provides its service when it opens; the
  // composition root provides the adapters between modules and each module's settings.
  template <class T>
  void provide(std::shared_ptr<T> value) {
    std::lock_guard lock(mutex_);
    values_[std::type_index(typeid(T))] = std::const_pointer_cast<std::remove_const_t<T>>(std::move(value));
  }
  // The value of type T, or nullptr when nobody provides it. Safe from any thread (adapters look
  // services up when a request calls them).
  template <class T>
  std::shared_ptr<T> find() const {
    std::lock_guard lock(mutex_);
    auto it = values_.find(std::type_index(typeid(T)));
    return it == values_.end() ? nullptr : std::static_pointer_cast<T>(it->second);
  }
  // The value of type T; a module that needs what nobody provides is a wiring mistake of the
  // composition root, reported when the server opens (std::logic_error).
  template <class T>
  std::shared_ptr<T> need() const {
    if (auto v = find<T>()) return v;
    throw std::logic_error(std::string("falta en la composición de módulos: ") + typeid(T).name());
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::type_index, std::shared_ptr<void>> values_;
};

// Items for the caller's home page (the auth module shows them; see auth::Service::add_home_source).
using HomeSource = std::function<Result<std::vector<http::Json>>(const http::Request&)>;

// A periodic job of a serving instance.
struct Job {
  std::string name;
  // Time between runs; nullopt: the instance's sweep interval (`equidad serve --sweep`).
  std::optional<std::chrono::milliseconds> every;
  // `now` in UTC ms. A failure is logged; the job runs again at its next turn.
  std::function<Result<void>(Context&, int64_t now)> run;
};

// A demo account a module's demo data is written as (found by e-mail in the accounts module).
struct DemoAccount {
  int64_t user_id = 0;
  int64_t institution_id = 0;
};
// Provided by the composition root from the accounts module.
using FindDemoAccount = std::function<Result<DemoAccount>(const std::string& email)>;

struct Module {
  std::string name;  // the folder under src/
  // Its schema (module name in each Migration = name). Empty: no tables.
  std::function<std::vector<store::Migration>()> migrations;
  // Every column of its tables that holds ciphertext (store/encrypted_fields.h). Empty: none.
  std::function<store::EncryptedFields()> encrypted_fields;
  // "METHOD /path" of each route it serves without a session (http::kPublic); a trailing '*'
  // declares every path with that prefix. The server refuses to open when a module registers a
  // public route it did not declare here.
  std::vector<std::string> public_routes;
  // Builds its service (ctx.provide), registers its routes and gauges. Modules open in list order.
  std::function<Result<void>(Context&)> open;
  // Its home-page items, bound once every module is open. Empty: none.
  std::function<HomeSource(Context&)> home_items;
  // Loads its demo data set (idempotent), in list order. Empty: none.
  std::function<Result<void>(Context&)> load_demo;
  std::vector<Job> jobs;
  // Work that would otherwise delay the first requests; run beside the server while it starts.
  std::function<void(Context&)> preload;
  // Stops what open started (threads, connections), in reverse list order, after the jobs stop.
  std::function<void(Context&)> close;
};

// Every module's migrations / encrypted columns, in list order.
std::vector<store::Migration> migrations(const std::vector<Module>& modules);
store::EncryptedFields encrypted_fields(const std::vector<Module>& modules);
// Public routes registered in `router` that no module (nor `also`) declared: "METHOD /path".
std::vector<std::string> undeclared_public_routes(const http::Router& router, const std::vector<Module>& modules,
                                                  const std::vector<std::string>& also);

}  // namespace eq::kernel
