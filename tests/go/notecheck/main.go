// SPDX-License-Identifier: Apache-2.0

// Command notecheck checks slawatch's evidence with the Go project's own
// transparency-log code (golang.org/x/mod/sumdb/note and sumdb/tlog), none of
// it written by slawatch:
//
//   - a checkpoint, a C2SP tlog-checkpoint signed note, against the log's
//     verifier key (`slawatch key --verifier`);
//   - the checkpoint notes a claim carries (`slawatch claim --format json`),
//     and the inclusion proofs of the failed calls it cites against that
//     checkpoint's root;
//   - a consistency proof (`slawatch prove --from M --to N --format json`)
//     that an older checkpoint's tree is a prefix of the newer one's.
//
// Usage:
//
//	notecheck -key FILE -note FILE [-claim FILE] [-old FILE -proof FILE]
//
// It prints each thing it checked and exits 0 only when all of them hold;
// otherwise it prints the reason and exits 1 (2 for bad usage).
package main

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	keyFile := flag.String("key", "", "the log's note verifier key (slawatch key --verifier)")
	noteFile := flag.String("note", "", "the checkpoint note (slawatch checkpoint)")
	claimFile := flag.String("claim", "", "a claim whose inclusion proofs to check (slawatch claim --format json)")
	oldFile := flag.String("old", "", "an older checkpoint note (slawatch checkpoint --size M)")
	proofFile := flag.String("proof", "", "the consistency proof from -old to -note (slawatch prove --format json)")
	flag.Parse()
	if *keyFile == "" || *noteFile == "" || flag.NArg() != 0 || (*oldFile == "") != (*proofFile == "") {
		fmt.Fprintln(os.Stderr, "usage: notecheck -key FILE -note FILE [-claim FILE] [-old FILE -proof FILE]")
		os.Exit(2)
	}
	if err := run(*keyFile, *noteFile, *claimFile, *oldFile, *proofFile); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	fmt.Println("OK: everything checked holds")
}

func run(keyFile, noteFile, claimFile, oldFile, proofFile string) error {
	vkey, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		return fmt.Errorf("%s: not a note verifier key: %v", keyFile, err)
	}
	checkpoint, err := openCheckpoint(noteFile, verifier)
	if err != nil {
		return err
	}
	if claimFile != "" {
		if err := checkClaim(claimFile, checkpoint, verifier); err != nil {
			return err
		}
	}
	if oldFile != "" {
		old, err := openCheckpoint(oldFile, verifier)
		if err != nil {
			return err
		}
		if err := checkConsistency(proofFile, old, checkpoint); err != nil {
			return err
		}
	}
	return nil
}

// A checkpoint: what a signed tlog-checkpoint note commits to.
type checkpoint struct {
	file   string
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint verifies the note's signature with note.Open and reads the
// checkpoint from the signed text itself, never from anything beside it.
func openCheckpoint(file string, verifier note.Verifier) (checkpoint, error) {
	msg, err := os.ReadFile(file)
	if err != nil {
		return checkpoint{}, err
	}
	c, err := openNote(file, msg, verifier)
	if err != nil {
		return checkpoint{}, err
	}
	fmt.Printf("ok: %s: signed by %s, tree size %d, root %s\n", file, verifier.Name(), c.size, c.root)
	return c, nil
}

// openNote checks one note's signature; `what` names it in errors.
func openNote(what string, msg []byte, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: the note's signature does not verify: %v", what, err)
	}
	c, err := parseCheckpoint(n.Text)
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: %v", what, err)
	}
	c.file = what
	// slawatch names a log's key after the log's origin: a note signed by
	// this key for another origin is not this log's checkpoint.
	if c.origin != verifier.Name() {
		return checkpoint{}, fmt.Errorf("%s: origin %q is not the key's log %q", what, c.origin, verifier.Name())
	}
	return c, nil
}

// parseCheckpoint reads the C2SP tlog-checkpoint body: origin, tree size
// and base64 root hash, one a line. slawatch writes no extension lines.
func parseCheckpoint(text string) (checkpoint, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 3 {
		return checkpoint{}, fmt.Errorf("a checkpoint has 3 lines (origin, size, root), this has %d", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return checkpoint{}, fmt.Errorf("bad tree size %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return checkpoint{}, fmt.Errorf("bad root hash %q", lines[2])
	}
	c := checkpoint{origin: lines[0], size: size}
	copy(c.root[:], root)
	return c, nil
}

// The parts of `slawatch claim --format json` read here.
type claim struct {
	Evidence struct {
		// The checkpoints as notes: the one the proofs are against, and
		// those recorded during the month.
		ProofCheckpoint *struct {
			Note string `json:"note"`
		} `json:"proof_checkpoint"`
		Checkpoints []struct {
			Note string `json:"note"`
		} `json:"checkpoints"`
		Proofs []struct {
			Sent    string `json:"sent"`
			Probe   string `json:"probe"`
			Outcome string `json:"outcome"`
			Proof   *struct {
				LeafIndex int64    `json:"leaf_index"`
				TreeSize  int64    `json:"tree_size"`
				Leaf      string   `json:"leaf"`
				Path      []string `json:"path"`
			} `json:"proof"`
		} `json:"proofs"`
	} `json:"evidence"`
}

// checkClaim checks the notes the claim carries and every cited call: its
// leaf says what the claim says, and tlog.CheckRecord proves the leaf is in
// the checkpoint's tree.
func checkClaim(file string, c checkpoint, verifier note.Verifier) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var cl claim
	if err := json.Unmarshal(data, &cl); err != nil {
		return fmt.Errorf("%s: not a claim: %v", file, err)
	}
	if err := checkClaimNotes(file, &cl, c, verifier); err != nil {
		return err
	}
	calls := cl.Evidence.Proofs
	if len(calls) == 0 {
		return fmt.Errorf("%s: the claim cites no calls to prove", file)
	}
	for i, call := range calls {
		what := fmt.Sprintf("%s: call %d (%s %s %s)", file, i, call.Sent, call.Probe, call.Outcome)
		p := call.Proof
		if p == nil {
			return fmt.Errorf("%s has no inclusion proof", what)
		}
		if p.TreeSize != c.size {
			return fmt.Errorf("%s is proved against tree size %d, but %s is of size %d", what, p.TreeSize, c.file, c.size)
		}
		leaf, err := hex.DecodeString(p.Leaf)
		if err != nil {
			return fmt.Errorf("%s: bad leaf hex: %v", what, err)
		}
		if err := leafSays(leaf, call.Sent, call.Probe, call.Outcome); err != nil {
			return fmt.Errorf("%s: %v", what, err)
		}
		path, err := hashes(p.Path)
		if err != nil {
			return fmt.Errorf("%s: %v", what, err)
		}
		if err := tlog.CheckRecord(path, c.size, c.root, p.LeafIndex, tlog.RecordHash(leaf)); err != nil {
			return fmt.Errorf("%s: leaf %d is not in the tree of %s: %v", what, p.LeafIndex, c.file, err)
		}
	}
	fmt.Printf("ok: %s: %d cited calls are in the tree of size %d\n", file, len(calls), c.size)
	return nil
}

// checkClaimNotes checks the claim's own notes: each is signed by the key,
// and its proof checkpoint is the note the proofs are checked against.
func checkClaimNotes(file string, cl *claim, c checkpoint, verifier note.Verifier) error {
	pc := cl.Evidence.ProofCheckpoint
	if pc == nil || pc.Note == "" {
		return fmt.Errorf("%s: the claim carries no proof checkpoint note", file)
	}
	proofAt, err := openNote(file+": evidence.proof_checkpoint.note", []byte(pc.Note), verifier)
	if err != nil {
		return err
	}
	if proofAt.size != c.size || proofAt.root != c.root {
		return fmt.Errorf("%s: the claim's proof checkpoint is not %s", file, c.file)
	}
	notes := 0
	for i, k := range cl.Evidence.Checkpoints {
		if k.Note == "" {
			continue // recorded before checkpoints were notes
		}
		what := fmt.Sprintf("%s: evidence.checkpoints[%d].note", file, i)
		if _, err := openNote(what, []byte(k.Note), verifier); err != nil {
			return err
		}
		notes++
	}
	fmt.Printf("ok: %s: evidence.proof_checkpoint.note and evidence.checkpoints[].note (%d) are signed by %s\n", file, notes, verifier.Name())
	return nil
}

// leafSays checks the start of a version-1 leaf (docs/evidence.md, "Leaf
// encoding"): the send time in ms, then the probe's and the outcome's names.
func leafSays(leaf []byte, sent, probe, outcome string) error {
	if len(leaf) < 9 || leaf[0] != 1 {
		return errors.New("the leaf is not a version-1 result leaf")
	}
	ms := int64(binary.BigEndian.Uint64(leaf[1:9]))
	rest := leaf[9:]
	leafProbe, rest, err := lengthPrefixed(rest)
	if err != nil {
		return err
	}
	leafOutcome, _, err := lengthPrefixed(rest)
	if err != nil {
		return err
	}
	at, err := time.Parse(time.RFC3339Nano, sent)
	if err != nil {
		return fmt.Errorf("bad time %q: %v", sent, err)
	}
	if at.UnixMilli() != ms || leafProbe != probe || leafOutcome != outcome {
		return fmt.Errorf("the leaf says %s %s %s", time.UnixMilli(ms).UTC().Format(time.RFC3339Nano), leafProbe, leafOutcome)
	}
	return nil
}

// lengthPrefixed reads a string: its length as an unsigned LEB128 varint
// (what encoding/binary's Uvarint reads), then its bytes.
func lengthPrefixed(b []byte) (string, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return "", nil, errors.New("the leaf is cut short")
	}
	return string(b[k : k+int(n)]), b[k+int(n):], nil
}

// The consistency proof as `slawatch prove --format json` prints it.
type consistency struct {
	OldSize int64    `json:"old_size"`
	NewSize int64    `json:"new_size"`
	OldRoot string   `json:"old_root"`
	NewRoot string   `json:"new_root"`
	Proof   []string `json:"proof"`
}

// checkConsistency proves with tlog.CheckTree that the old checkpoint's tree
// is a prefix of the new one's: the log only grew between the two.
func checkConsistency(file string, old, c checkpoint) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var p consistency
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("%s: not a consistency proof: %v", file, err)
	}
	if old.origin != c.origin {
		return fmt.Errorf("%s and %s are checkpoints of different logs", old.file, c.file)
	}
	// The sizes and roots that count are the signed ones; the proof's own
	// copies must merely agree with them.
	if p.OldSize != old.size || p.NewSize != c.size {
		return fmt.Errorf("%s: the proof is from size %d to %d, the notes are of sizes %d and %d", file, p.OldSize, p.NewSize, old.size, c.size)
	}
	if p.OldRoot != hex.EncodeToString(old.root[:]) || p.NewRoot != hex.EncodeToString(c.root[:]) {
		return fmt.Errorf("%s: the proof's roots are not the notes' roots", file)
	}
	path, err := hashes(p.Proof)
	if err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	if err := tlog.CheckTree(path, c.size, c.root, old.size, old.root); err != nil {
		return fmt.Errorf("%s: the tree of size %d is not a prefix of the tree of size %d: %v", file, old.size, c.size, err)
	}
	fmt.Printf("ok: %s: the tree of size %d is a prefix of the tree of size %d\n", file, old.size, c.size)
	return nil
}

// hashes decodes a proof's lowercase hex hashes.
func hashes(hexes []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(hexes))
	for i, h := range hexes {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("proof hash %d is not 32 bytes of hex: %q", i, h)
		}
		copy(out[i][:], b)
	}
	return out, nil
}
