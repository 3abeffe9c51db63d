/* The golden-file runner: `golden RNNC DIR` runs rnnc on every DIR/NAME.yaml and compares with
 * the sidecar files next to it. The sidecar chooses the mode:
 *   NAME.err   expected standard error, followed by a line "[exit N]"; N must not be 0
 *   NAME.out   expected standard output; the exit status must be 0 and standard error empty
 * NAME.args, if present, holds the arguments (whitespace-separated; {} stands for NAME.yaml);
 * without it rnnc gets just NAME.yaml. Inputs may also be loop-IR files, NAME.rir, for
 * `rnnc opt`. rnnc runs in DIR, so paths in messages are relative.
 * With UPDATE_GOLDEN=1 in the environment, the sidecars are rewritten from what rnnc printed.
 * Ends with "N passed, N failed". */
#define _XOPEN_SOURCE 700  /* realpath */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_ARGS = 64 };

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
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Runs argv in dir with stdout and stderr captured; returns the exit status (128+signal). */
static int
run(const char *dir, char **argv, char **out, char **err)
{
	char outp[] = "/tmp/golden-out-XXXXXX", errp[] = "/tmp/golden-err-XXXXXX";
	int fo = mkstemp(outp), fe = mkstemp(errp), status;
	pid_t pid;

	if (fo < 0 || fe < 0) {
		perror("mkstemp");
		exit(2);
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (chdir(dir) < 0)
			_exit(126);
		dup2(devnull, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("waitpid");
			exit(2);
		}
	}
	close(fo);
	close(fe);
	*out = read_file(outp, NULL);
	*err = read_file(errp, NULL);
	unlink(outp);
	unlink(errp);
	if (!*out || !*err) {
		fprintf(stderr, "cannot read captured output\n");
		exit(2);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Shows where two texts first differ, line by line. */
static void
show_diff(const char *want, const char *got)
{
	int line = 1;
	const char *w = want, *g = got;

	while (*w && *w == *g) {
		if (*w == '\n')
			line++;
		w++, g++;
	}
	while (w > want && w[-1] != '\n')
		w--, g--;
	fprintf(stderr, "  first difference at line %d\n  expected: %.*s\n  actual:   %.*s\n", line,
	        (int)strcspn(w, "\n"), w, (int)strcspn(g, "\n"), g);
	fprintf(stderr, "  --- whole actual output ---\n%s  ---\n", got);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
check_one(char *rnnc, const char *dir, const char *file, int update)
{
	char path[4096], spec[1024], name[1024], *argv[MAX_ARGS + 2], *out, *err, *args = NULL, *want;
	char *got;
	int argc = 0, rc, ok;
	size_t len;
	const char *mode;

	snprintf(spec, sizeof spec, "%s", file);
	snprintf(name, sizeof name, "%.*s", (int)(strrchr(file, '.') - file), file);
	argv[argc++] = rnnc;
	snprintf(path, sizeof path, "%s/%s.args", dir, name);
	if ((args = read_file(path, NULL))) {
		char *tok, *save = NULL;

		for (tok = strtok_r(args, " \t\n", &save); tok && argc < MAX_ARGS;
		     tok = strtok_r(NULL, " \t\n", &save))
			argv[argc++] = strcmp(tok, "{}") ? tok : spec;
	} else {
		argv[argc++] = spec;
	}
	argv[argc] = NULL;

	snprintf(path, sizeof path, "%s/%s.err", dir, name);
	mode = exists(path) ? "err" : NULL;
	if (!mode) {
		snprintf(path, sizeof path, "%s/%s.out", dir, name);
		mode = exists(path) || update ? "out" : NULL;
	}
	if (!mode) {
		fprintf(stderr, "FAIL %s/%s: no sidecar (.err or .out)\n", dir, name);
		free(args);
		return 0;
	}
	rc = run(dir, argv, &out, &err);
	if (!strcmp(mode, "err")) {
		len = strlen(err);
		got = malloc(len + 32);
		snprintf(got, len + 32, "%s[exit %d]\n", err, rc);
	} else {
		got = strdup(out);
	}
	if (update) {
		if (!strcmp(mode, "out") && (rc != 0 || *err)) {
			fprintf(stderr, "FAIL %s/%s: exit %d\n%s", dir, name, rc, err);
			ok = 0;
		} else {
			ok = write_file(path, got) == 0;
			printf("updated %s\n", path);
		}
	} else {
		want = read_file(path, NULL);
		ok = want && !strcmp(want, got);
		if (!strcmp(mode, "err") && rc == 0)
			ok = 0;
		if (!strcmp(mode, "out") && (rc != 0 || *err))
			ok = 0;
		if (!ok) {
			fprintf(stderr, "FAIL %s/%s (%s mode, exit %d)\n", dir, name, mode, rc);
			if (*err && strcmp(mode, "err"))
				fprintf(stderr, "  stderr:\n%s", err);
			if (want)
				show_diff(want, got);
		} else {
			printf("ok   %s\n", name);
		}
		free(want);
	}
	if (rc >= 128) {
		fprintf(stderr, "FAIL %s/%s: rnnc died with signal %d\n", dir, name, rc - 128);
		ok = 0;
	}
	free(got);
	free(out);
	free(err);
	free(args);
	return ok;
}

int
main(int argc, char **argv)
{
	const char *upd = getenv("UPDATE_GOLDEN");
	int update = upd && !strcmp(upd, "1"), passed = 0, failed = 0, a;
	char *rnnc;

	if (argc < 3) {
		fprintf(stderr, "usage: golden RNNC DIR...\n");
		return 2;
	}
	rnnc = realpath(argv[1], NULL);
	if (!rnnc) {
		fprintf(stderr, "cannot find %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	for (a = 2; a < argc; a++) {
		DIR *d = opendir(argv[a]);
		struct dirent *e;
		char **names = NULL;
		size_t n = 0, cap = 0, i;

		if (!d) {
			fprintf(stderr, "cannot open %s: %s\n", argv[a], strerror(errno));
			return 2;
		}
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);

			if ((len > 5 && !strcmp(e->d_name + len - 5, ".yaml")) ||
			    (len > 4 && !strcmp(e->d_name + len - 4, ".rir"))) {
				if (n == cap) {
					cap = cap ? 2 * cap : 64;
					names = realloc(names, cap * sizeof *names);
				}
				names[n++] = strdup(e->d_name);
			}
		}
		closedir(d);
		qsort(names, n, sizeof *names, cmp_names);
		for (i = 0; i < n; i++) {
			if (check_one(rnnc, argv[a], names[i], update))
				passed++;
			else
				failed++;
			free(names[i]);
		}
		free(names);
	}
	if (passed + failed == 0) {
		fprintf(stderr, "no golden cases found\n");
		return 1;
	}
	free(rnnc);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
