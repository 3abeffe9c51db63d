/* The frontend: YAML specs and target descriptions in, checked CellSpec and Target out.
 *
 * Files are read whole, checked for UTF-8, parsed by libyaml into a small tree of YNodes that
 * carry locations, then decoded field by field through tables (frontend/schema.c), so that every
 * key of both formats is checked the same way: unknown keys (with the nearest valid one
 * suggested), wrong types, missing keys, limits. All errors go to the Ctx; the functions return
 * 0 on success and -1 when they reported at least one error. */
#ifndef RNNC_FE_H
#define RNNC_FE_H

#include <stddef.h>
#include <stdint.h>

#include "../ir/ctx.h"
#include "../ir/spec.h"
#include "../ir/target.h"

/* ---- the YAML tree ----------------------------------------------------------------------- */

typedef enum { YN_NULL, YN_SCALAR, YN_MAP, YN_SEQ } YKind;

typedef struct YNode YNode;
struct YNode {
	YKind kind;
	Loc loc;
	const char *str;   /* YN_SCALAR (and YN_NULL: the text, maybe "") */
	int quoted;        /* a quoted scalar is always a string */
	int n;             /* entries of a map or items of a sequence */
	YNode **keys;      /* YN_MAP: scalar keys, n of them */
	YNode **vals;      /* YN_MAP: values; YN_SEQ: items */
};

enum {
	FE_MAX_FILE = 1 << 20,  /* specs and targets are small; larger input is refused */
	FE_MAX_DEPTH = 32,      /* nesting of mappings and sequences */
};

/* Reads a file (NULL and a message on error: missing, unreadable, a directory, empty, too big,
 * not UTF-8) and registers it as a source of the context. */
const SrcFile *fe_read_file(Ctx *c, const char *path);
/* Registers text from memory (built-in files, fuzzing), with the same checks as a file. */
const SrcFile *fe_add_text(Ctx *c, const char *name, const char *text, size_t len);

/* Parses one YAML document into a tree; NULL after reporting an error. */
const YNode *fe_parse_yaml(Ctx *c, const SrcFile *f);
const YNode *fe_map_get(const YNode *map, const char *key);
const char *fe_kind_name(const YNode *n);
/* Where `path` ("precision.weight_bits") is in the document: the deepest node of the path that
 * exists, so a missing key points at its section. */
Loc fe_loc_of(const YNode *doc, const char *path);

/* ---- specs ------------------------------------------------------------------------------- */

/* Decodes a spec from a parsed document. */
int fe_decode_spec(Ctx *c, const YNode *doc, CellSpec *out);
/* Reads, parses and decodes a spec file. */
int fe_load_spec(Ctx *c, const char *path, CellSpec *out);
/* The same from text in memory; `name` is used in diagnostics and as the default spec name. */
int fe_parse_spec(Ctx *c, const char *name, const char *text, size_t len, CellSpec *out);
/* Writes the spec with every default filled in, as YAML that fe_parse_spec reads back. */
void fe_print_spec(const CellSpec *s, FILE *out);

/* ---- targets ----------------------------------------------------------------------------- */

/* The built-in targets (frontend/targets/\*.yaml, compiled in). */
size_t fe_builtin_target_count(void);
const Embedded *fe_builtin_target(size_t i);
const Embedded *fe_find_builtin_target(const char *name);

/* Decodes a whole target description. A document with `base: NAME` starts from that built-in
 * target and may set any subset of the keys. */
int fe_decode_target(Ctx *c, const YNode *doc, Target *out);
int fe_load_target(Ctx *c, const char *path, Target *out);
int fe_parse_target(Ctx *c, const char *name, const char *text, size_t len, Target *out);
/* Loads a built-in target by name; reports an unknown name at `loc`, with the valid names. */
int fe_builtin_target_load(Ctx *c, const char *name, Loc loc, Target *out);
/* Applies a partial description (a spec's `target:` mapping) to a target. */
int fe_apply_target_overrides(Ctx *c, const YNode *map, Target *t);
/* Writes a target with every key, as YAML that fe_parse_target reads back (no comments). */
void fe_print_target(const Target *t, FILE *out);
/* Checks the relations between fields (lanes a power of two, at least one PCU and PMU, ...);
 * messages name keys with `prefix` ("target." for a spec's overrides). */
int fe_check_target(Ctx *c, const YNode *doc, const Target *t, const char *prefix);

/* Resolves the target for a spec: --arch FILE, else --target NAME, else the spec's `target:`
 * name, else `plasticine`; then the spec's target overrides are applied. */
int fe_resolve_target(Ctx *c, const CellSpec *s, const char *arch_path, const char *target_name,
                      Target *out);

#endif
