/* Plots: a gnuplot script and its data written beside each other, and gnuplot run on them when
 * it is installed (Debian's gnuplot-nox). The script stays, so a plot can be redrawn or
 * restyled by hand. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver.h"

int
drv_gnuplot(Ctx *c, const char *dir, const char *script)
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		ir_error(c, (Loc){0}, "cannot run gnuplot: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* gnuplot's own messages would only repeat what the status says */
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr) ||
		    chdir(dir) < 0)
			_exit(126);
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ir_error(c, (Loc){0}, "cannot run gnuplot: %s", strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return 1;  /* not installed */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ir_error(c, (Loc){0}, "gnuplot failed on %s/%s", dir, script);
		return -1;
	}
	return 0;
}
