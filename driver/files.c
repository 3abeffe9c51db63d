/* Output files: folders made as needed, and files written through a temporary name renamed
 * into place, so that a failed or interrupted run never leaves a file that looks complete. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "driver.h"

int
drv_make_dirs(Ctx *c, const char *path)
{
	char buf[4096];
	size_t n = strlen(path), i;
	struct stat st;

	if (n >= sizeof buf) {
		ir_error(c, (Loc){0}, "output folder name too long: '%s'", path);
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != 0)
			continue;
		buf[i] = 0;
		if (mkdir(buf, 0777) < 0 && errno != EEXIST) {
			ir_error(c, (Loc){0}, "cannot create '%s': %s", buf, strerror(errno));
			return -1;
		}
		buf[i] = path[i];
	}
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		ir_error(c, (Loc){0}, "'%s' exists and is not a directory", path);
		return -1;
	}
	return 0;
}

int
drv_write_file(Ctx *c, const char *dir, const char *name, void (*fn)(const void *, FILE *),
               const void *arg)
{
	char path[4200], tmp[4300];
	FILE *fp;
	int bad;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (!(fp = fopen(tmp, "w"))) {
		ir_error(c, (Loc){0}, "cannot write '%s': %s", tmp, strerror(errno));
		return -1;
	}
	fn(arg, fp);
	bad = ferror(fp);
	if (fclose(fp) != 0 || bad || rename(tmp, path) != 0) {
		ir_error(c, (Loc){0}, "cannot write '%s': %s", path, strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}
