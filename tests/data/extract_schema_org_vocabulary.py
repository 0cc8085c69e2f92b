r"""Build tests/data/schema_org_vocabulary.json from the npm package schema-dts.

schema-dts (Apache-2.0, maintained by Google) generates one TypeScript declaration per schema.org
type from the official vocabulary: `interface PersonBase extends ThingBase { "memberOf"?: ... }`
and a leaf with `"@type": "Person"`. This script keeps only the names: every type, the types it
inherits from, and the properties it declares. No prose is copied.

    cd /tmp && npm pack schema-dts && tar xzf schema-dts-*.tgz
    .venv/bin/python tests/data/extract_schema_org_vocabulary.py /tmp/package \
        > tests/data/schema_org_vocabulary.json
"""

import json
import re
import sys
from pathlib import Path

BASE_RE = re.compile(r"^interface (\w+)Base extends (.+?) \{$")
LEAF_INTERFACE_RE = re.compile(r"^export interface (\w+)Leaf extends (\w+)Base \{$")
LEAF_TYPE_RE = re.compile(r"^export type (\w+)Leaf(?:<[^=]*>)? = Omit<(\w+)Base,")
PROPERTY_RE = re.compile(r'^\s+"([A-Za-z][\w-]*)"\?:')
TYPE_NAME_RE = re.compile(r'^\s+"@type": "([\w:./-]+)";$')


def extract(declarations):
    parents = {}  # base interface -> the base interfaces it extends
    properties = {}  # base interface -> the properties it declares
    leaf_base = {}  # "@type" name -> its base interface
    current_base = None
    current_leaf = None
    for line in declarations.splitlines():
        if match := BASE_RE.match(line):
            current_base = match[1]
            parents[current_base] = re.findall(r"(\w+)Base\b", match[2])
            properties[current_base] = []
            continue
        if line == "}":
            current_base = None
            continue
        if current_base and (match := PROPERTY_RE.match(line)):
            properties[current_base].append(match[1])
            continue
        if match := LEAF_INTERFACE_RE.match(line) or LEAF_TYPE_RE.match(line):
            current_leaf = match[2]
            continue
        if current_leaf and (match := TYPE_NAME_RE.match(line)):
            leaf_base[match[1]] = current_leaf
            current_leaf = None
    # Prefixed names ("schema:Person", "http://...") duplicate the plain ones.
    types = {name: base for name, base in leaf_base.items() if re.fullmatch(r"[A-Za-z]\w*", name)}
    return {
        "types": {name: types[name] for name in sorted(types)},
        "bases": {
            base: {"extends": sorted(parents[base]), "properties": sorted(set(properties[base]))}
            for base in sorted(parents)
        },
    }


def main(package_folder):
    package = json.loads((Path(package_folder) / "package.json").read_text())
    declarations = (Path(package_folder) / "dist" / "schema.d.ts").read_text()
    vocabulary = {"source": f"npm {package['name']} {package['version']}", **extract(declarations)}
    json.dump(vocabulary, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
