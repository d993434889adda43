// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: TLS certificates made at run time with the openssl CLI (self-signed,
// CA-signed, expired), and a TLS server behaviour for HostileServer.

#include "hostile_server.hpp"
#include "process.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace slawatch::testing {

struct Cert {
    std::filesystem::path cert;
    std::filesystem::path key;
};

inline void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run(argv, {}, std::chrono::seconds(20));
    if (r.exit_code != 0) throw std::runtime_error("openssl " + args.at(0) + " failed: " + r.err);
}

// A self-signed certificate and its key, valid for two days for the subjectAltName `san`.
inline Cert make_cert(const TempDir& dir, const std::string& name, const std::string& san) {
    Cert c{dir / (name + ".crt"), dir / (name + ".key")};
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", c.key.string(), "-out", c.cert.string(), "-days", "2", "-subj",
             "/CN=slawatch test", "-addext", "subjectAltName=" + san});
    return c;
}

// A certificate for `san` signed by `ca`, valid only on 2020-01-01 (long expired).
inline Cert make_expired_cert(const TempDir& dir, const Cert& ca, const std::string& name,
                              const std::string& san) {
    Cert c{dir / (name + ".crt"), dir / (name + ".key")};
    const auto csr = dir / (name + ".csr");
    const auto db = dir / (name + "-ca");
    std::filesystem::create_directories(db);
    dir.write(name + "-ca/index.txt", "");
    dir.write(name + "-ca/serial", "01\n");
    const auto cnf = dir.write(
        name + "-ca.cnf", "[ca]\ndefault_ca = d\n[d]\ndatabase = " + (db / "index.txt").string() +
                              "\nnew_certs_dir = " + db.string() +
                              "\nserial = " + (db / "serial").string() +
                              "\ndefault_md = sha256\npolicy = p\nx509_extensions = ext\n"
                              "[p]\ncommonName = supplied\n[ext]\nsubjectAltName = " +
                              san + "\n");
    openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", c.key.string(), "-out", csr.string(), "-subj", "/CN=slawatch expired"});
    openssl({"ca", "-batch", "-config", cnf.string(), "-cert", ca.cert.string(), "-keyfile",
             ca.key.string(), "-in", csr.string(), "-out", c.cert.string(), "-startdate",
             "20200101000000Z", "-enddate", "20200102000000Z", "-notext"});
    return c;
}

inline std::shared_ptr<boost::asio::ssl::context> server_context(const Cert& c) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->use_certificate_chain_file(c.cert.string());
    ctx->use_private_key_file(c.key.string(), ssl::context::pem);
    return ctx;
}

// Answers one request over TLS with `reply`; a failed handshake just ends the connection.
inline HostileServer::Behaviour tls_answer(std::shared_ptr<boost::asio::ssl::context> ctx,
                                           std::string reply) {
    return [ctx = std::move(ctx), reply = std::move(reply)](HostileServer::tcp::socket& s) {
        boost::asio::ssl::stream<HostileServer::tcp::socket&> tls(s, *ctx);
        boost::system::error_code ec;
        tls.handshake(boost::asio::ssl::stream_base::server, ec);
        if (ec) return;
        read_request_head(tls);
        boost::asio::write(tls, boost::asio::buffer(reply), ec);
    };
}

}  // namespace slawatch::testing
