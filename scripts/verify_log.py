#!/usr/bin/env python3
"""Independent verifier for a oneseal public transparency log, written from the C2SP specs
(signed-note, tlog-checkpoint, tlog-tiles, tlog-proof, tlog-cosignature, tlog-policy) and
RFC 6962/9162 only, so that it can catch mistakes in the Rust implementation.

Usage: verify_log.py BASE_URL JURISDICTION     (e.g. http://127.0.0.1:8080 370100)
Prints one line per check and ends with "N passed, M failed"; exits 1 on any failure."""
import base64, gzip, hashlib, json, random, struct, sys, urllib.error, urllib.request
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

RESULTS = {"passed": 0, "failed": 0}

class Reported(Exception):
    """A failure already printed as a FAIL line that stops the run."""

def check(name, ok, detail=""):
    RESULTS["passed" if ok else "failed"] += 1
    print(f"{'PASS' if ok else 'FAIL'}: {name}" + (f" ({detail})" if detail else ""))
    return ok

def get(url):
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, identity"})
    with urllib.request.urlopen(req, timeout=30) as r:
        body = r.read()
        if r.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body, r.headers

def status(url):
    try:
        return urllib.request.urlopen(url, timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code

sha = lambda b: hashlib.sha256(b).digest()
leaf_hash = lambda e: sha(b"\x00" + e)
node = lambda l, r: sha(b"\x01" + l + r)
b64 = lambda s: base64.b64decode(s, validate=True)

def mth(h):
    """RFC 6962 §2.1 Merkle Tree Hash over a list of leaf hashes (no odd-node duplication)."""
    if not h:
        return sha(b"")
    if len(h) == 1:
        return h[0]
    k = 1 << ((len(h) - 1).bit_length() - 1)
    return node(mth(h[:k]), mth(h[k:]))

def shift_until_odd(fn, sn):
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn

def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            fn, sn = shift_until_odd(fn, sn)
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root

def verify_consistency(size1, size2, root1, root2, proof):
    """RFC 9162 §2.1.4.2 (size1 = size2 needs an empty proof; size1 = 0 as tlog-witness)."""
    if size1 > size2:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof and root1 == sha(b"")
    if size1 & (size1 - 1) == 0:
        proof = [root1] + proof
    if not proof:
        return False
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            fn, sn = shift_until_odd(fn, sn)
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == root1 and sr == root2 and sn == 0

def key_id(name, typ, pub):
    return sha(name.encode() + b"\n" + bytes([typ]) + pub)[:4]

def parse_vkey(v):
    """signed-note vkey: <name>+<hex key ID>+<base64(type || public key)>."""
    name, hexid, rest = v.split("+", 2)
    raw = b64(rest)
    typ, pub = raw[0], raw[1:]
    if bytes.fromhex(hexid) != key_id(name, typ, pub):
        raise ValueError(f"vkey {name}: key ID does not match its key")
    return name, bytes.fromhex(hexid), typ, pub

def parse_note(data):
    """Returns (text, [(name, key ID, signature bytes)]) per signed-note §Format."""
    s = data.decode("utf-8")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in s):
        raise ValueError("control character in note")
    cut = s.rfind("\n\n")
    if cut < 0 or not s.endswith("\n"):
        raise ValueError("no blank line before signatures / no final newline")
    text, sigs = s[:cut + 1], []
    for line in s[cut + 2:-1].split("\n"):
        if not line.startswith("\u2014 "):
            raise ValueError(f"bad signature line {line!r}")
        name, sig = line[2:].split(" ")
        raw = b64(sig)
        sigs.append((name, raw[:4], raw[4:]))
    if not sigs:
        raise ValueError("note without signatures")
    return text.encode(), sigs

def open_note(data, keys):
    """keys: {(name, keyID): Ed25519PublicKey} of type 0x01. Unknown keys are ignored; a bad
    signature by a known key rejects the note; at least one known signature must verify."""
    text, sigs = parse_note(data)
    good = 0
    for name, kid, sig in sigs:
        if (name, kid) in keys:
            keys[(name, kid)].verify(sig, text)  # raises InvalidSignature
            good += 1
    if not good:
        raise InvalidSignature("no signature from a known key")
    return text, sigs

def parse_checkpoint(text):
    lines = text.decode().split("\n")[:-1]
    if len(lines) < 3 or any(not l for l in lines) or lines[1] != str(int(lines[1])):
        raise ValueError("malformed checkpoint body")
    root = b64(lines[2])
    if len(root) != 32:
        raise ValueError("root is not 32 bytes")
    return lines[0], int(lines[1]), root

def current_size(prefix):
    """The size of the log's checkpoint now (its signature is checked once, in verify_checkpoint)."""
    raw = get(f"{prefix}/checkpoint")[0]
    return parse_checkpoint(raw.split(b"\n\n", 1)[0] + b"\n")[1]

def tile_index(n):
    """tlog-tiles <N>: 3-digit groups, all but the last prefixed with x."""
    parts = [f"{n % 1000:03d}"]
    while n >= 1000:
        n //= 1000
        parts.append(f"x{n % 1000:03d}")
    return "/".join(reversed(parts))

def tile_layout(size):
    """[(level, n, width)] of every tile (full and partial) a tree of this size has."""
    out, level = [], 0
    while size >> (8 * level):
        count = size >> (8 * level)
        out += [(level, n, 256) for n in range(count // 256)]
        if count % 256:
            out.append((level, count // 256, count % 256))
        level += 1
    return out

def tile_url(prefix, level, n, w, kind=None):
    return f"{prefix}/tile/{kind or level}/{tile_index(n)}" + ("" if w == 256 else f".p/{w}")

def root_from_tiles(levels, size):
    """RFC 6962 root from the highest tile hashes: each complete subtree of size 2^h in the
    tree's decomposition is the MTH of 2^(h mod 8) consecutive hashes at tile level h // 8."""
    subs, start = [], 0
    for h in reversed(range(size.bit_length())):
        if size >> h & 1:
            at = start >> 8 * (h // 8)
            subs.append(mth(levels[h // 8][at:at + (1 << h % 8)]))
            start += 1 << h
    r = subs[-1]
    for s in reversed(subs[:-1]):
        r = node(s, r)
    return r

def flip(b):
    return bytes([b[0] ^ 1]) + b[1:]

def path(h, m):  # RFC 6962 §2.1.1 PATH, only to feed the self-checks
    if len(h) <= 1:
        return []
    k = 1 << ((len(h) - 1).bit_length() - 1)
    return path(h[:k], m) + [mth(h[k:])] if m < k else path(h[k:], m - k) + [mth(h[:k])]

def sub(h, m, b):  # RFC 6962 §2.1.2 SUBPROOF, only to feed the self-checks
    if m == len(h) or m == 0:
        return [] if b or m == 0 else [mth(h)]
    k = 1 << ((len(h) - 1).bit_length() - 1)
    return sub(h[:k], m, b) + [mth(h[k:])] if m <= k else sub(h[k:], m - k, False) + [mth(h[:k])]

def self_checks():
    """The verifier's own pieces against the specs' examples and RFC 6962's definitions."""
    check("self: tile path 1234067 -> x001/x234/067", tile_index(1234067) == "x001/x234/067")
    lay = tile_layout(70000)
    got = [sum(t[0] == 0 and t[2] == 256 for t in lay), [t[2] for t in lay if t[0] == 0 and t[2] < 256],
           sum(t[0] == 1 and t[2] == 256 for t in lay), [t[2] for t in lay if t[0] >= 1 and t[2] < 256]]
    check("self: size 70000 tile layout as in tlog-tiles", got == [273, [112], 1, [17, 1]], str(got))
    check("self: size 256 = full level-0 tile + level-1 tile of width 1", tile_layout(256) == [(0, 0, 256), (1, 0, 1)])
    leaves = [leaf_hash(i.to_bytes(3, "big")) for i in range(65536 + 300)]
    levels = {0: leaves}
    for l in (1, 2):
        below = levels[l - 1]
        levels[l] = [mth(below[i * 256:(i + 1) * 256]) for i in range(len(below) // 256)]
    check("self: root from level-0..2 tiles equals MTH for size 65836",
          all(root_from_tiles(levels, n) == mth(leaves[:n]) for n in (65836, 65536, 256, 300, 1)))
    ok = bad = True
    for n in range(1, 14):
        for i in range(n):
            p, r = path(leaves[:n], i), mth(leaves[:n])
            ok &= verify_inclusion(leaves[i], i, n, p, r)
            bad &= not any(verify_inclusion(leaves[i], i, n, p[:k] + [flip(p[k])] + p[k + 1:], r) for k in range(len(p)))
            bad &= not verify_inclusion(leaves[i], i, n, p + [r], r) and not verify_inclusion(leaves[i], i, n, p, flip(r))
        for m in range(1, n + 1):
            p, r1, r2 = sub(leaves[:n], m, True), mth(leaves[:m]), mth(leaves[:n])
            ok &= verify_consistency(m, n, r1, r2, p)
            bad &= not any(verify_consistency(m, n, r1, r2, p[:k] + [flip(p[k])] + p[k + 1:]) for k in range(len(p)))
            bad &= not verify_consistency(m, n, flip(r1), r2, p) and not verify_consistency(m, n, r1, flip(r2), p)
    check("self: RFC 9162 verifiers accept RFC 6962 PATH/PROOF for all m <= n <= 13", ok)
    check("self: ... and reject every single flipped hash, a flipped root, a too long proof", bad)

def verify_checkpoint(prefix, origin):
    vkeys = [parse_vkey(v) for v in get(f"{prefix}/vkeys")[0].decode().split("\n") if v]
    mine = [v for v in vkeys if v[0] == origin and v[2] == 0x01]
    check(f"vkeys: one Ed25519 key named after the origin {origin}, all key IDs recompute", len(mine) == 1,
          f"types listed: {sorted({hex(v[2]) for v in vkeys})}")
    keys = {(mine[0][0], mine[0][1]): Ed25519PublicKey.from_public_bytes(mine[0][3])}
    raw, hdr = get(f"{prefix}/checkpoint")
    ctype = hdr.get("Content-Type", "")
    check("checkpoint Content-Type is text/plain; charset=utf-8", ctype.replace(" ", "").lower() == "text/plain;charset=utf-8", ctype)
    try:
        text, sigs = open_note(raw, keys)
        check("checkpoint note parses and its Ed25519 (0x01) signature verifies under the origin's key", True)
    except (InvalidSignature, ValueError) as e:
        check("checkpoint note parses and its Ed25519 (0x01) signature verifies under the origin's key", False, repr(e))
        raise Reported() from e
    for n, k, _ in sigs:
        if (n, k) not in keys:
            print(f"info: ignored signature by {n} key ID {k.hex()} (not the log's Ed25519 key)")
    cp_origin, size, root = parse_checkpoint(text)
    check("checkpoint origin equals the log's origin", cp_origin == origin, cp_origin)
    print(f"info: checkpoint size {size} root {base64.b64encode(root).decode()}")

    def rejects(data):
        try:
            open_note(data, keys)
            return False
        except (InvalidSignature, ValueError):
            return True
    lines = raw.decode().split("\n")
    lines[2] = base64.b64encode(flip(root)).decode()
    check("negative: checkpoint with one flipped bit in its root is rejected", rejects("\n".join(lines).encode()))
    others = "".join(f"\u2014 {n} {base64.b64encode(k + s).decode()}\n" for n, k, s in sigs if (n, k) not in keys)
    check("negative: checkpoint without the log's signature is rejected", rejects(text + b"\n" + others.encode()))
    return keys, mine[0], text, sigs, size, root

def verify_tiles(prefix, size, root):
    levels, bad = {}, []
    for level, n, w in tile_layout(size):
        body, h = get(tile_url(prefix, level, n, w))
        if len(body) != 32 * w or h.get("Content-Type") != "application/octet-stream":
            bad.append(tile_url("", level, n, w))
        levels.setdefault(level, []).extend(body[i:i + 32] for i in range(0, len(body), 32))
    check(f"all {len(tile_layout(size))} tiles (full and partial) fetched with the right width and type", not bad, str(bad[:3]))
    up = [(l, i) for l in levels if l for i in range(len(levels[l])) if levels[l][i] != mth(levels[l - 1][i * 256:(i + 1) * 256])]
    n_up = sum(len(levels[l]) for l in levels if l)
    check(f"each of the {n_up} hashes in tiles above level 0 is the MTH of the full tile below", not up, str(up[:3]))
    entries = []
    for l, n, w in tile_layout(size):
        body = get(tile_url(prefix, l, n, w, "entries"))[0] if l == 0 else b""
        while body:
            ln = struct.unpack(">H", body[:2])[0]
            entries.append(body[2:2 + ln])
            body = body[2 + ln:]
    leaves = levels[0]
    check(f"entry bundles hold {size} entries, each SHA-256(0x00||entry) = its level-0 tile hash",
          len(entries) == size and all(leaf_hash(e) == h for e, h in zip(entries, leaves)), f"{len(entries)} entries")
    check("root recomputed from all leaves (RFC 6962 MTH) equals the checkpoint root", mth(leaves) == root)
    check("root recomputed from the highest tiles equals the checkpoint root", root_from_tiles(levels, size) == root)
    # The demo log is live: it may grow past `size` while this runs. A tile one entry wider than
    # the checkpoint may then exist, so a 200 is right only if a checkpoint read afterwards covers
    # it; a tile far beyond any size the log can reach meanwhile must be a 404 either way.
    w0 = size % 256
    wider = w0 + 1 if w0 < 255 else 256
    missing = tile_url(prefix, 0, size // 256, wider)
    code = status(missing)
    covered = code == 200 and current_size(prefix) >= size // 256 * 256 + wider
    check("a tile beyond the checkpoint is a 404, never a 200", code == 404 or covered,
          missing[missing.index("/tile"):] + (" (served: the log has grown to cover it)" if covered else ""))
    far = tile_url(prefix, 0, size // 256 + 4096, 256)
    check("a tile a million entries beyond the checkpoint is a 404", status(far) == 404, far[far.index("/tile"):])
    return leaves, entries

def verify_proofs(api, size, root, leaves, entries):
    rnd = random.Random(size)
    for i in sorted({0, size - 1, size // 2} | {rnd.randrange(size) for _ in range(3)}):
        p = json.loads(get(f"{api}/proof/inclusion?index={i}&size={size}")[0])
        proof = [b64(x) for x in p["proof"]]
        check(f"inclusion of entry {i} in size {size} (RFC 9162 §2.1.3.2)",
              p["size"] == size and b64(p["root"]) == root and b64(p["leaf_hash"]) == leaves[i]
              and verify_inclusion(leaf_hash(entries[i]), i, size, proof, root), f"{len(proof)} hashes")
    check(f"GET entries/{i} returns the bytes of the entry bundle", get(f"{api}/entries/{i}")[0] == entries[i])
    if proof:
        check("negative: inclusion proof with one flipped bit is rejected",
              not verify_inclusion(leaves[i], i, size, [flip(proof[0])] + proof[1:], root))
    check("negative: inclusion against a root with one flipped bit is rejected", not verify_inclusion(leaves[i], i, size, proof, flip(root)))
    old = max(1, size // 2)
    p = json.loads(get(f"{api}/proof/inclusion?index={old - 1}&size={old}")[0])
    check(f"inclusion of entry {old - 1} in the older size {old}", b64(p["root"]) == mth(leaves[:old])
          and verify_inclusion(leaves[old - 1], old - 1, old, [b64(x) for x in p["proof"]], mth(leaves[:old])))
    for m in sorted({1, old, max(1, size - 1), size}):
        c = json.loads(get(f"{api}/proof/consistency?from={m}&to={size}")[0])
        proof, r1 = [b64(x) for x in c["proof"]], b64(c["from_root"])
        check(f"consistency {m} -> {size} (RFC 9162 §2.1.4.2), old root = MTH of the first {m} leaves",
              c["to"] == size and b64(c["to_root"]) == root and r1 == mth(leaves[:m])
              and verify_consistency(m, size, r1, root, proof), f"{len(proof)} hashes")
        if proof:
            check(f"negative: consistency {m} -> {size} with one flipped bit in a hash / the new root is rejected",
                  not verify_consistency(m, size, r1, root, [flip(proof[0])] + proof[1:])
                  and not verify_consistency(m, size, r1, flip(root), proof))

def verify_receipt(api, index, origin, keys, entry):
    """tlog-proof: header, optional extra, index, proof lines, blank line, the checkpoint note."""
    head, _, note = get(f"{api}/receipt/{index}")[0].decode().partition("\n\n")
    hl = head.split("\n")
    x = 1 if len(hl) > 1 and hl[1].startswith("extra ") else 0
    text, _ = open_note(note.encode(), keys)
    r_origin, r_size, r_root = parse_checkpoint(text)
    proof = [b64(p) for p in hl[2 + x:]]
    check(f"tlog-proof receipt for entry {index} verifies offline (note signature, origin, inclusion)",
          hl[0] == "c2sp.org/tlog-proof@v1" and hl[1 + x] == f"index {index}" and r_origin == origin
          and verify_inclusion(leaf_hash(entry), index, r_size, proof, r_root), f"size {r_size}")
    if proof:
        check("negative: receipt with one flipped bit in a proof hash is rejected",
              not verify_inclusion(leaf_hash(entry), index, r_size, [flip(proof[0])] + proof[1:], r_root))

def main(base, j):
    base = base.rstrip("/")
    self_checks()
    logs = {l["jurisdiction"]: l for l in json.loads(get(f"{base}/log")[0])["logs"]}
    check(f"log {j} is listed in /log", j in logs)
    origin, prefix = logs[j]["origin"], base + logs[j]["prefix"]
    keys, logkey, text, sigs, size, root = verify_checkpoint(prefix, origin)
    policy = get(f"{prefix}/policy")[0].decode()
    check("the policy's log line is the log's Ed25519 vkey", [k[:4] for k in parse_policy(policy)[0]] == [logkey])
    if size == 0:
        check("the empty tree's root is SHA-256('')", root == sha(b""))
        return
    leaves, entries = verify_tiles(prefix, size, root)
    api = f"{base}/api/v1/log/{j}"
    verify_proofs(api, size, root, leaves, entries)
    i = random.Random(size + 1).randrange(size)
    verify_receipt(api, i, origin, keys, entries[i])
    verify_cosignatures(text, sigs, policy)

def parse_policy(text):
    """tlog-policy lines: log <vkey>, witness <name> <vkey>, group <name> <k|all|any> <names>, quorum <name>."""
    logs, wit, groups, quorum = [], {}, {}, None
    for line in text.split("\n"):
        t = line.split()
        if not t or t[0].startswith("#"):
            continue
        if t[0] == "log":
            logs.append(parse_vkey(t[1]))
        elif t[0] == "witness":
            wit[t[1]] = parse_vkey(t[2])
        elif t[0] == "group":
            groups[t[1]] = ({"all": len(t) - 3, "any": 1}.get(t[2]) or int(t[2]), t[3:])
        elif t[0] == "quorum":
            quorum = t[1]
    return logs, wit, groups, quorum

def satisfied(name, ok, groups):
    if name == "none" or name in ok:
        return True
    k, members = groups.get(name, (1, []))
    return sum(satisfied(m, ok, groups) for m in members) >= k

def cosig_valid(pub, text, s):
    """tlog-cosignature Ed25519: s = u64 BE time || sig over "cosignature/v1\\ntime <t>\\n" + body."""
    if len(s) != 72 or struct.unpack(">Q", s[:8])[0] >= 2**63:
        return False
    msg = b"cosignature/v1\ntime %d\n" % struct.unpack(">Q", s[:8])[0] + text
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(s[8:], msg)
        return True
    except InvalidSignature:
        return False

def verify_cosignatures(text, sigs, policy):
    _, wit, groups, quorum = parse_policy(policy)
    by_id = {(v[0], v[1]): (w, v[3]) for w, v in wit.items() if v[2] == 0x04}
    found = [(by_id[(n, k)], s) for n, k, s in sigs if (n, k) in by_id]
    if not wit or not found:
        print(f"skipped: no cosignatures ({len(wit)} witnesses in the policy, quorum {quorum})")
        return
    ok = set()
    for (w, pub), s in found:
        t = struct.unpack(">Q", s[:8])[0]
        if check(f"cosignature/v1 of witness {w} (time {t}) verifies", cosig_valid(pub, text, s)):
            ok.add(w)
    (w, pub), s = found[0]
    check("negative: cosignature with its time changed by one second is rejected",
          not cosig_valid(pub, text, struct.pack(">Q", struct.unpack(">Q", s[:8])[0] + 1) + s[8:]))
    check(f"cosignatures meet the policy quorum '{quorum}'", quorum is not None and satisfied(quorum, ok, groups),
          f"{len(ok)} of {len(wit)} witnesses verified")

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        main(sys.argv[1], sys.argv[2])
    except Reported:
        pass
    except Exception as e:  # a crash (bad signature, bad format, HTTP error) is a failure, never a pass
        check("verifier ran to completion", False, repr(e))
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    sys.exit(1 if RESULTS["failed"] else 0)
