#!/usr/bin/env python3
"""Re-run an Invloed giveaway draw from its public verification page (standard library only).

    python3 verify_draw.py ENTRIES.txt --seed SEED_HEX --winners N \
        [--entries-sha256 HASH] [--seed-sha256 HASH]

ENTRIES.txt is the canonical entry list downloaded from the page (one handle per line). The script
prints the two commitment hashes it computes and the winners in order, one per line after "winners:".
It exits with status 1 when a commitment given on the command line does not match.
The algorithm is documented in docs/giveaways.md.
"""

import argparse
import hashlib
import hmac
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description="Re-run an Invloed giveaway draw.")
    parser.add_argument("entries", help="the canonical entry list (one handle per line)")
    parser.add_argument("--seed", required=True, help="the revealed seed, hex")
    parser.add_argument("--winners", type=int, required=True, help="how many winners were drawn")
    parser.add_argument("--entries-sha256", help="the published entry-list commitment")
    parser.add_argument("--seed-sha256", help="the published seed commitment")
    args = parser.parse_args(argv)

    with open(args.entries, "rb") as handle:
        data = handle.read()
    seed = bytes.fromhex(args.seed)
    entries_hash = hashlib.sha256(data).hexdigest()
    seed_hash = hashlib.sha256(seed).hexdigest()
    entries = data.decode("utf-8").splitlines()

    # Each entry's place: HMAC-SHA256(key=seed, msg=handle); ties (never seen in practice) by the handle.
    def place(entry):
        return (hmac.new(seed, entry.encode("utf-8"), hashlib.sha256).hexdigest(), entry.encode("utf-8"))

    winners = sorted(entries, key=place)[: args.winners]

    print(f"entries: {len(entries)}")
    print(f"entries-sha256: {entries_hash}")
    print(f"seed-sha256: {seed_hash}")
    ok = True
    if args.entries_sha256 and args.entries_sha256.lower() != entries_hash:
        print("MISMATCH: the entry list is not the committed one", file=sys.stderr)
        ok = False
    if args.seed_sha256 and args.seed_sha256.lower() != seed_hash:
        print("MISMATCH: the seed is not the committed one", file=sys.stderr)
        ok = False
    print("winners:")
    for winner in winners:
        print(winner)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
