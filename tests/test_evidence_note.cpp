// SPDX-License-Identifier: Apache-2.0
// Signed notes (C2SP), checkpoints, cosignatures and base64: the pure parts,
// against golang.org/x/mod/sumdb/note's published example.

#include "storage/evidence/note.hpp"
#include "tests/support/process.hpp"
#include "text/base64.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace slawatch;
using namespace slawatch::storage::evidence;

namespace {

// golang.org/x/mod/sumdb/note's documented example: its signer key (type
// byte 0x01, then the Ed25519 seed), verifier key, text and signed note.
constexpr std::string_view go_signer_seed = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view go_verifier =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view go_text =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view go_signature =
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";

std::string go_note() {
    return std::string(go_text) + "\n\xe2\x80\x94 PeterNeumann " + std::string(go_signature) + "\n";
}

// A Signer from a raw Ed25519 seed, through the PKCS#8 PEM it reads.
Signer signer_from_seed(std::string_view seed, const std::filesystem::path& file) {
    const std::string pkcs8_prefix(
        "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20", 16);
    const auto der = text::base64_encode(pkcs8_prefix + std::string(seed));
    std::ofstream(file) << "-----BEGIN PRIVATE KEY-----\n"
                        << der << "\n-----END PRIVATE KEY-----\n";
    return Signer::from_pem_file(file);
}

}  // namespace

TEST_CASE("base64 round-trips and refuses what is not canonical", "[note]") {
    CHECK(text::base64_encode("") == "");
    CHECK(text::base64_encode("f") == "Zg==");
    CHECK(text::base64_encode("fo") == "Zm8=");
    CHECK(text::base64_encode("foo") == "Zm9v");
    CHECK(text::base64_encode("foobar") == "Zm9vYmFy");
    for (const std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
        CHECK(text::base64_decode(text::base64_encode(s)) == s);
    CHECK_FALSE(text::base64_decode("Zg="));   // not a multiple of 4
    CHECK_FALSE(text::base64_decode("Zh=="));  // stray bits in the last character
    CHECK_FALSE(text::base64_decode("Z==="));  // three pads
    CHECK_FALSE(text::base64_decode("Zg==Zg=="));
    CHECK_FALSE(text::base64_decode("Zm9 v"));
    CHECK_FALSE(text::base64_decode("Zm9-"));
}

TEST_CASE("a note signed by golang.org/x/mod/sumdb/note verifies, and one changed byte does not",
          "[note]") {
    const auto vkey = note::parse_verifier_key(go_verifier);
    CHECK(vkey.name == "PeterNeumann");
    const auto n = note::parse(go_note());
    CHECK(n.text == go_text);
    REQUIRE(n.signatures.size() == 1);
    CHECK(n.signatures[0].key_id == 0xc74f20a3);
    CHECK(note::verify(n, "PeterNeumann", vkey.key));
    CHECK(n.serialize() == go_note());

    auto changed = n;
    changed.text[3] ^= 1;
    CHECK_FALSE(note::verify(changed, "PeterNeumann", vkey.key));
    CHECK_FALSE(note::verify(n, "EnochRoot", vkey.key));
}

TEST_CASE("signing the example text gives sumdb/note's own signature and verifier key", "[note]") {
    testing::TempDir dir;
    const auto seed = text::base64_decode(go_signer_seed);
    REQUIRE(seed);
    const auto signer = signer_from_seed(seed->substr(1), dir.path() / "key.pem");
    CHECK(note::verifier_key("PeterNeumann", signer.public_key()) == go_verifier);
    const note::Note n{std::string(go_text), {note::sign(signer, "PeterNeumann", go_text)}};
    CHECK(n.serialize() == go_note());
}

TEST_CASE("malformed notes and verifier keys are refused with a reason", "[note]") {
    CHECK_THROWS_AS(note::parse("text\n"), note::NoteError);
    CHECK_THROWS_AS(note::parse("text\n\n"), note::NoteError);
    CHECK_THROWS_AS(note::parse("text\n\n- PeterNeumann AAAA\n"), note::NoteError);
    CHECK_THROWS_AS(note::parse("text\n\n\xe2\x80\x94 PeterNeumann notbase64!\n"), note::NoteError);
    CHECK_THROWS_AS(note::parse(std::string(go_text) + "\n\xe2\x80\x94 PeterNeumann " +
                                std::string(go_signature)),  // no final newline
                    note::NoteError);
    CHECK_THROWS_AS(note::parse_verifier_key(
                        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
                    note::NoteError);
    CHECK_THROWS_AS(note::parse_verifier_key("PeterNeumann+c74f20a3"), note::NoteError);
    CHECK_THROWS_AS(note::parse_verifier_key("Peter Neumann+c74f20a3+ARpc"), note::NoteError);
}

TEST_CASE("a checkpoint's text round-trips and refuses what C2SP does not allow", "[note]") {
    Hasher h;
    note::CheckpointBody body{note::origin("sh-idc", "00112233445566778899aabbccddeeff"), 12614400,
                              h.plain("root")};
    CHECK(body.origin == "slawatch/sh-idc/00112233445566778899aabbccddeeff");
    const auto text = note::checkpoint_text(body);
    CHECK(text.substr(0, body.origin.size() + 10) == body.origin + "\n12614400\n");
    CHECK(note::parse_checkpoint_text(text) == body);
    CHECK_THROWS_AS(note::parse_checkpoint_text(text + "extension\n"), note::NoteError);
    CHECK_THROWS_AS(note::parse_checkpoint_text("o\n012\nAAAA\n"), note::NoteError);
    CHECK_THROWS_AS(note::parse_checkpoint_text("o\n12\nAAAA\n"), note::NoteError);
    CHECK_THROWS_AS(note::parse_checkpoint_text("o\n12\n"), note::NoteError);
}

TEST_CASE("a cosignature verifies with its time, and not under another name, key or text",
          "[note]") {
    testing::TempDir dir;
    const auto seed = text::base64_decode(go_signer_seed);
    REQUIRE(seed);
    const auto witness = signer_from_seed(seed->substr(1), dir.path() / "w.pem");
    Hasher h;
    const auto text = note::checkpoint_text({"slawatch/a/00", 7, h.plain("r")});
    note::Note n{text, {note::cosign(witness, "slawatch/b/11", 1700000000, text)}};
    const auto parsed = note::parse(n.serialize());
    CHECK(note::verify_cosignature(parsed, "slawatch/b/11", witness.public_key()) == 1700000000);
    const auto vkey = note::parse_verifier_key(
        note::verifier_key("slawatch/b/11", witness.public_key(), note::cosignature_type));
    CHECK(vkey.type == note::cosignature_type);
    CHECK(vkey.key == witness.public_key());
    CHECK_FALSE(note::verify_cosignature(parsed, "slawatch/c/22", witness.public_key()));
    CHECK_FALSE(
        note::verify(parsed, "slawatch/b/11", witness.public_key()));  // not a 0x01 signature
    auto other = parsed;
    other.text = note::checkpoint_text({"slawatch/a/00", 8, h.plain("r")});
    CHECK_FALSE(note::verify_cosignature(other, "slawatch/b/11", witness.public_key()));
}
