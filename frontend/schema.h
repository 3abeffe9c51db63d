/* Field tables: one mechanism decodes and checks every key of specs and targets.
 * A table lists each key with its type, where it goes in the struct, its limits and a one-line
 * description (the descriptions also serve the docs and `--print-target`). */
#ifndef RNNC_FE_SCHEMA_H
#define RNNC_FE_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "fe.h"

typedef enum {
	FK_INT,      /* int, within [lo, hi] */
	FK_NUM,      /* double, finite, within [flo, fhi] */
	FK_BOOL,     /* int 0/1: true or false */
	FK_STR,      /* const char *, any text */
	FK_NAME,     /* const char *, [A-Za-z0-9_.-], starting with a letter or digit */
	FK_ENUM,     /* int: index into `names` */
	FK_CHOICE,   /* int: one of the values in `choices` (e.g. 8, 16, 32 bits) */
	FK_RANGE,    /* double[2]: a sequence [lo, hi] with lo < hi, each within [flo, fhi] */
	FK_SECTION,  /* a nested mapping decoded with `sub` */
} FieldKind;

enum {
	F_REQUIRED = 1,
	F_EXTERNAL = 2,  /* decoded by the caller; listed here for messages and suggestions */
	F_DEFAULT0 = 4,  /* FK_ENUM: the first name is the default, and is not printed */
	F_UNSET0 = 8,    /* FK_NUM: optional, 0 means not given, and is not printed */
};

typedef struct Field {
	const char *key;
	FieldKind kind;
	size_t off;
	unsigned flags;
	int64_t lo, hi;
	double flo, fhi;
	const char *const *names;  /* FK_ENUM, NULL-terminated */
	const int *choices;        /* FK_CHOICE, 0-terminated */
	const struct Field *sub;   /* FK_SECTION, ended by a field with key NULL */
	const char *help;
} Field;

typedef enum { DECODE_FULL, DECODE_PARTIAL } DecodeMode;

/* Decodes `map` into `obj` through `fields`. Keys absent from the mapping leave their fields
 * as they were (the caller sets the defaults first). `path` names the mapping in messages
 * ("" for the top level, "precision" for a section). In DECODE_FULL mode, missing F_REQUIRED
 * keys are errors. Returns the number of errors. */
int fe_decode(Ctx *c, const YNode *map, const Field *fields, void *obj, const char *path,
              const char *what, DecodeMode mode);

/* Writes `obj` as YAML through `fields` (used for normalized specs and targets). */
void fe_emit(FILE *out, const Field *fields, const void *obj, int indent);

#endif
