// SPDX-License-Identifier: Apache-2.0
// C2SP signed notes, checkpoints and cosignatures, byte for byte as
// golang.org/x/mod/sumdb/note and the tlog tools read them.

#include "storage/evidence/note.hpp"

#include "text/base64.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace slawatch::storage::evidence::note {
namespace {

// U+2014 EM DASH and a space: how every signature line starts.
constexpr std::string_view dash = "\xe2\x80\x94 ";
constexpr std::size_t max_text = 64 * 1024;
constexpr std::size_t max_signatures = 100;
constexpr std::size_t ed25519_signature = 64;
constexpr std::size_t cosignature_bytes = 8 + ed25519_signature;

std::string_view as_chars(const PublicKey& key) {
    return {reinterpret_cast<const char*>(key.data()), key.size()};
}

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

std::uint64_t read_be(std::string_view bytes) {
    std::uint64_t v = 0;
    for (const char c : bytes) v = v << 8 | static_cast<unsigned char>(c);
    return v;
}

std::optional<std::uint64_t> decimal(std::string_view s) {
    std::uint64_t v = 0;
    if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// The lines of `text`, each ending in "\n" (the last one too).
std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        if (nl == std::string_view::npos) throw NoteError("a note line does not end in a newline");
        out.push_back(text.substr(0, nl));
        text.remove_prefix(nl + 1);
    }
    return out;
}

Signature parse_signature_line(std::string_view line) {
    if (line.substr(0, dash.size()) != dash)
        throw NoteError("a signature line does not start with an em dash and a space");
    line.remove_prefix(dash.size());
    const auto space = line.find(' ');
    if (space == std::string_view::npos) throw NoteError("a signature line has no signature");
    Signature s;
    s.name = std::string(line.substr(0, space));
    if (!valid_key_name(s.name)) throw NoteError("a signature line has an invalid key name");
    const auto raw = text::base64_decode(line.substr(space + 1));
    if (!raw || raw->size() <= 4) throw NoteError("a signature line's signature is not base64");
    s.key_id = static_cast<std::uint32_t>(read_be(std::string_view(*raw).substr(0, 4)));
    s.bytes = raw->substr(4);
    return s;
}

// Signatures of `note` under `name` whose key id is `id`.
template <class F>
bool any_signature(const Note& note, std::string_view name, std::uint32_t id, F&& check) {
    return std::any_of(note.signatures.begin(), note.signatures.end(), [&](const Signature& s) {
        return s.name == name && s.key_id == id && check(s);
    });
}

}  // namespace

std::string origin(std::string_view vantage, std::string_view log_id) {
    return fmt::format("slawatch/{}/{}", vantage, log_id);
}

bool valid_key_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(),
                                        [](char c) { return c > ' ' && c < 0x7f && c != '+'; });
}

std::string checkpoint_text(const CheckpointBody& body) {
    return fmt::format(
        "{}\n{}\n{}\n", body.origin, body.tree_size,
        text::base64_encode({reinterpret_cast<const char*>(body.root.data()), body.root.size()}));
}

CheckpointBody parse_checkpoint_text(std::string_view text) {
    const auto l = lines(text);
    if (l.size() < 3) throw NoteError("a checkpoint has fewer than three lines");
    if (l.size() > 3)
        throw NoteError("a checkpoint has extension lines, which slawatch never writes");
    CheckpointBody body;
    body.origin = std::string(l[0]);
    if (body.origin.empty()) throw NoteError("a checkpoint's origin line is empty");
    const auto size = decimal(l[1]);
    if (!size) throw NoteError("a checkpoint's tree size is not a decimal number");
    body.tree_size = *size;
    const auto root = text::base64_decode(l[2]);
    const auto hash = root ? hash_from_bytes(*root) : std::nullopt;
    if (!hash) throw NoteError("a checkpoint's root hash is not 32 bytes in base64");
    body.root = *hash;
    return body;
}

std::uint32_t key_id(std::string_view name, std::uint8_t type, const PublicKey& key) {
    std::string input(name);
    input += '\n';
    input += static_cast<char>(type);
    input += as_chars(key);
    Hasher h;
    const auto digest = h.plain(input);
    return static_cast<std::uint32_t>(read_be({reinterpret_cast<const char*>(digest.data()), 4}));
}

std::string signature_line(const Signature& s) {
    return fmt::format("{}{} {}\n", dash, s.name, text::base64_encode(be32(s.key_id) + s.bytes));
}

std::string Note::serialize() const {
    std::string out = text;
    out += '\n';
    for (const auto& s : signatures) out += signature_line(s);
    return out;
}

Note parse(std::string_view note) {
    if (note.size() > max_text + max_signatures * 256) throw NoteError("the note is too long");
    // The text ends at the first blank line: "\n\n".
    const auto split = note.find("\n\n");
    if (split == std::string_view::npos)
        throw NoteError("the note has no blank line before its signatures");
    Note n;
    n.text = std::string(note.substr(0, split + 1));
    if (n.text.size() > max_text) throw NoteError("the note's text is longer than 64 KiB");
    for (const char c : n.text)
        if ((c < ' ' && c != '\n') || c == 0x7f)
            throw NoteError("the note's text has a control character");
    const auto sig_lines = lines(note.substr(split + 2));
    if (sig_lines.empty()) throw NoteError("the note has no signature lines");
    if (sig_lines.size() > max_signatures) throw NoteError("the note has over 100 signatures");
    for (const auto line : sig_lines) n.signatures.push_back(parse_signature_line(line));
    return n;
}

Signature sign(const Signer& signer, std::string_view name, std::string_view text) {
    return {std::string(name), key_id(name, ed25519_type, signer.public_key()), signer.sign(text)};
}

bool verify(const Note& note, std::string_view name, const PublicKey& key) {
    return any_signature(note, name, key_id(name, ed25519_type, key), [&](const Signature& s) {
        return s.bytes.size() == ed25519_signature && verify_signature(key, note.text, s.bytes);
    });
}

std::string verifier_key(std::string_view name, const PublicKey& key, std::uint8_t type) {
    std::string material(1, static_cast<char>(type));
    material += as_chars(key);
    return fmt::format("{}+{:08x}+{}", name, key_id(name, type, key),
                       text::base64_encode(material));
}

VerifierKey parse_verifier_key(std::string_view vkey) {
    const auto first = vkey.find('+');
    const auto second = first == std::string_view::npos ? first : vkey.find('+', first + 1);
    if (second == std::string_view::npos)
        throw NoteError("a verifier key is <name>+<key id>+<base64 key>");
    VerifierKey out;
    out.name = std::string(vkey.substr(0, first));
    if (!valid_key_name(out.name)) throw NoteError("the verifier key's name is not valid");
    const auto material = text::base64_decode(vkey.substr(second + 1));
    if (!material || material->size() != 33)
        throw NoteError("the verifier key is not an Ed25519 key (a type byte and 32 bytes)");
    out.type = static_cast<std::uint8_t>((*material)[0]);
    if (out.type != ed25519_type && out.type != cosignature_type)
        throw NoteError("the verifier key's type is neither 1 (note) nor 4 (cosignature)");
    std::copy(material->begin() + 1, material->end(), out.key.begin());
    const auto id = vkey.substr(first + 1, second - first - 1);
    if (id != fmt::format("{:08x}", key_id(out.name, out.type, out.key)))
        throw NoteError("the verifier key's id does not match its name and key");
    return out;
}

std::string cosignature_message(std::uint64_t time_s, std::string_view text) {
    return fmt::format("cosignature/v1\ntime {}\n{}", time_s, text);
}

Signature cosign(const Signer& signer, std::string_view cosigner, std::uint64_t time_s,
                 std::string_view text) {
    std::string bytes =
        be32(static_cast<std::uint32_t>(time_s >> 32)) + be32(static_cast<std::uint32_t>(time_s));
    bytes += signer.sign(cosignature_message(time_s, text));
    return {std::string(cosigner), key_id(cosigner, cosignature_type, signer.public_key()),
            std::move(bytes)};
}

std::optional<std::uint64_t> verify_cosignature(const Note& note, std::string_view cosigner,
                                                const PublicKey& key) {
    std::optional<std::uint64_t> time;
    any_signature(note, cosigner, key_id(cosigner, cosignature_type, key), [&](const Signature& s) {
        if (s.bytes.size() != cosignature_bytes) return false;
        const auto t = read_be(std::string_view(s.bytes).substr(0, 8));
        if (t >> 63) return false;
        if (!verify_signature(key, cosignature_message(t, note.text), s.bytes.substr(8)))
            return false;
        time = t;
        return true;
    });
    return time;
}

}  // namespace slawatch::storage::evidence::note
