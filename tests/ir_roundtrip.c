/* The IR text tests: `ir_roundtrip DIR` checks every DIR/NAME.rir.
 *   with NAME.err   the file must be rejected; the diagnostics (file names relative to DIR)
 *                   must equal NAME.err
 *   otherwise       the file is in printed form: parsing and printing it must give it back byte
 *                   for byte, and parsing and printing that output must give it again
 * With UPDATE_GOLDEN=1 in the environment, the .err files are rewritten from the diagnostics.
 * Ends with "N passed, N failed". */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ir/ir.h"

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = n < 0 ? NULL : malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static char *
printed(const Func *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		abort();
	ir_print(f, out);
	fclose(out);
	return buf;
}

static char *
diags(const Ctx *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		abort();
	ir_print_diags(c, out);
	fclose(out);
	return buf;
}

/* Shows where two texts first differ. */
static void
show_diff(const char *name, const char *want, const char *got)
{
	const char *w = want, *g = got;
	int line = 1;

	while (*w && *w == *g) {
		if (*w == '\n')
			line++;
		w++, g++;
	}
	while (w > want && w[-1] != '\n')
		w--, g--;
	fprintf(stderr, "FAIL %s: first difference at line %d\n  expected: %.*s\n  actual:   %.*s\n",
	        name, line, (int)strcspn(w, "\n"), w, (int)strcspn(g, "\n"), g);
	fprintf(stderr, "  --- whole actual output ---\n%s  ---\n", got);
}

/* Parses text named `name`; returns the printed function, or NULL with the diagnostics. */
static char *
parse_print(const char *name, const char *text, size_t len, char **err)
{
	Ctx c;
	Func *f;
	char *out = NULL;

	ir_ctx_init(&c);
	f = ir_parse(&c, ir_add_source(&c, name, text, len));
	if (f && c.ndiags == 0)
		out = printed(f);
	*err = diags(&c);
	ir_ctx_free(&c);
	return out;
}

static int
check_err(const char *dir, const char *name, const char *text, size_t len, int update)
{
	char path[4096], file[1024], *err, *out, *want;
	size_t wlen;
	int ok;

	snprintf(path, sizeof path, "%s/%s.err", dir, name);
	snprintf(file, sizeof file, "%s.rir", name);
	out = parse_print(file, text, len, &err);
	if (out || !*err) {
		fprintf(stderr, "FAIL %s: the file was accepted\n", name);
		free(out);
		free(err);
		return 0;
	}
	if (update) {
		FILE *f = fopen(path, "wb");

		ok = f && fputs(err, f) >= 0;
		ok = f && !fclose(f) && ok;
		printf("updated %s\n", path);
	} else {
		want = read_file(path, &wlen);
		ok = want && !strcmp(want, err);
		if (!ok && want)
			show_diff(name, want, err);
		free(want);
	}
	free(err);
	return ok;
}

static int
check_roundtrip(const char *name, const char *text, size_t len)
{
	char file[1024], *err, *once, *twice;
	int ok = 0;

	snprintf(file, sizeof file, "%s.rir", name);
	once = parse_print(file, text, len, &err);
	if (!once) {
		fprintf(stderr, "FAIL %s: rejected\n%s", name, err);
	} else if (strlen(once) != len || memcmp(once, text, len)) {
		show_diff(name, text, once);
	} else {
		free(err);
		twice = parse_print(file, once, strlen(once), &err);
		if (!twice)
			fprintf(stderr, "FAIL %s: the printed form is rejected\n%s", name, err);
		else if (strcmp(once, twice))
			show_diff(name, once, twice);
		else
			ok = 1;
		free(twice);
	}
	free(once);
	free(err);
	return ok;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *upd = getenv("UPDATE_GOLDEN");
	int update = upd && !strcmp(upd, "1"), passed = 0, failed = 0;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, i, len;
	struct stat st;
	struct dirent *e;
	DIR *d;

	if (argc != 2) {
		fprintf(stderr, "usage: ir_roundtrip DIR\n");
		return 2;
	}
	if (!(d = opendir(argv[1]))) {
		fprintf(stderr, "cannot open %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".rir")) {
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				names = realloc(names, cap * sizeof *names);
				if (!names)
					abort();
			}
			names[n++] = strndup(e->d_name, l - 4);
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	for (i = 0; i < n; i++) {
		char *text;
		int ok;

		snprintf(path, sizeof path, "%s/%s.rir", argv[1], names[i]);
		if (!(text = read_file(path, &len))) {
			fprintf(stderr, "FAIL %s: cannot read %s\n", names[i], path);
			ok = 0;
		} else {
			snprintf(path, sizeof path, "%s/%s.err", argv[1], names[i]);
			if (stat(path, &st) == 0)
				ok = check_err(argv[1], names[i], text, len, update);
			else
				ok = check_roundtrip(names[i], text, len);
		}
		if (ok)
			printf("ok   %s\n", names[i]);
		passed += ok;
		failed += !ok;
		free(text);
		free(names[i]);
	}
	free(names);
	if (passed + failed == 0) {
		fprintf(stderr, "no .rir files in %s\n", argv[1]);
		return 1;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
