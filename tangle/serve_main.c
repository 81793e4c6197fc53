/*
 * serve - a local preview of the book that follows the author's edits.
 *
 *   serve --html DIR --watch DIR... --build COMMAND... [--port N]
 *
 * Serves the pages under --html on http://127.0.0.1:N/ (8000 by default;
 * 0 takes any free port, printed on the first line) to this machine only.
 * Every saved, created, deleted or renamed file under the --watch
 * directories (inotify: no polling) runs the build COMMAND (the arguments
 * after --build, to the end), once for a burst of events; when it
 * succeeds, every open page whose file (or a stylesheet or script) the
 * build changed reloads itself: each HTML page is sent with a small script
 * that listens for the news on /__events (Server-Sent Events). When the
 * build fails, the open pages show its last lines until the next good one.
 * An edit saved during a build runs the build again after it.
 *
 * One thread, one poll(): the listening socket, inotify, the build's
 * output and the clients. Editors' swap and backup files (.x.swp, x~,
 * 4913) are not edits.
 */
#define _GNU_SOURCE	/* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <stdbool.h>

#include "util.h"

extern char **environ;

enum { MAX_CLIENTS = 64, DEBOUNCE_MS = 10, MAX_REQUEST = 8192 };

/* The script every page is sent with: reload on news of its own file. */
static const char reload_js[] =
	"(function () {\n"
	"  var page = location.pathname.split('/').pop() || 'index.html';\n"
	"  var banner = null;\n"
	"  var events = new EventSource('/__events');\n"
	"  events.addEventListener('reload', function (e) {\n"
	"    var changed = e.data.split(' ');\n"
	"    if (changed.indexOf(page) >= 0 || changed.some(function (f) { return /^assets\\//.test(f); }))\n"
	"      location.reload();\n"
	"    else if (banner) { banner.remove(); banner = null; }\n"
	"  });\n"
	"  events.addEventListener('failed', function (e) {\n"
	"    if (!banner) {\n"
	"      banner = document.createElement('pre');\n"
	"      banner.className = 'serve-failed';\n"
	"      banner.style.cssText = 'position:fixed;bottom:0;left:0;right:0;max-height:40vh;overflow:auto;"
	"margin:0;padding:.6rem 1rem;background:#5c1b12;color:#fff;font-size:12px;z-index:10;white-space:pre-wrap';\n"
	"      document.body.appendChild(banner);\n"
	"    }\n"
	"    banner.textContent = 'The build failed; the page shows the last good one.\\n\\n' + e.data.replace(/\\\\n/g, '\\n');\n"
	"  });\n"
	"})();\n";

struct client {
	int fd;
	bool events;		/* subscribed to /__events */
	struct buf in;		/* the request, until its blank line */
};

struct server {
	const char *html;
	char **build;
	int listen_fd, inotify_fd;
	struct client clients[MAX_CLIENTS];
	size_t nclients;
	pid_t child;		/* the build running, or 0 */
	int child_out;		/* its output, or -1 */
	struct buf output;	/* what it printed */
	bool dirty;		/* an edit came during the build */
	struct timespec due;	/* when the pending edits are built; tv_sec 0: none */
	struct strlist before;	/* "PATH MTIME" of the pages before the build */
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Write all of @p len bytes, or give up on a client that does not read. */
static int send_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = {fd, POLLOUT, 0};

			if (poll(&p, 1, 2000) <= 0)
				return -1;
			continue;
		}
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static void drop_client(struct server *s, size_t i)
{
	close(s->clients[i].fd);
	buf_free(&s->clients[i].in);
	s->clients[i] = s->clients[--s->nclients];
}

/* Is @p name a file an editor leaves while it saves, not an edit? */
static bool editor_litter(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' || (n && name[n - 1] == '~') || !strcmp(name, "4913") ||
	       (n > 4 && (!strcmp(name + n - 4, ".swp") || !strcmp(name + n - 4, ".swx"))) || name[0] == '#';
}

/* The pages and assets with their times: "PATH SECONDS.NANOSECONDS". */
static void snapshot(const char *html, struct strlist *out)
{
	static const char *const dirs[] = {"", "assets/"};

	for (size_t d = 0; d < 2; d++) {
		struct strlist names = {0};
		char *dir = xasprintf("%s/%s", html, dirs[d]);
		DIR *dh = opendir(dir);
		struct dirent *e;

		while (dh && (e = readdir(dh)))
			if (e->d_name[0] != '.')
				strlist_add(&names, e->d_name);
		if (dh)
			closedir(dh);
		for (size_t i = 0; i < names.len; i++) {
			char *path = xasprintf("%s%s", dir, names.items[i]);
			struct stat st;

			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				strlist_take(out, xasprintf("%s%s %lld.%09ld", dirs[d], names.items[i],
							    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec));
			free(path);
		}
		strlist_free(&names);
		free(dir);
	}
}

/* Send an event to every subscriber; @p data is one line. */
static void broadcast(struct server *s, const char *event, const char *data)
{
	char *msg = xasprintf("event: %s\ndata: %s\n\n", event, data);

	for (size_t i = 0; i < s->nclients;) {
		if (s->clients[i].events && send_all(s->clients[i].fd, msg, strlen(msg)) < 0)
			drop_client(s, i);
		else
			i++;
	}
	free(msg);
}

static void start_build(struct server *s)
{
	int pipefd[2];
	posix_spawn_file_actions_t fa;
	int rc;

	strlist_free(&s->before);
	snapshot(s->html, &s->before);
	buf_reset(&s->output);
	if (pipe(pipefd) < 0) {
		fprintf(stderr, "serve: cannot make a pipe: %s\n", strerror(errno));
		return;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	rc = posix_spawnp(&s->child, s->build[0], &fa, NULL, s->build, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc) {
		fprintf(stderr, "serve: cannot run %s: %s\n", s->build[0], strerror(rc));
		close(pipefd[0]);
		s->child = 0;
		return;
	}
	s->child_out = pipefd[0];
	fprintf(stderr, "serve: building\n");
}

/* The build ended (its output closed): tell the pages what changed. */
static void end_build(struct server *s)
{
	int status = 0;
	struct strlist after = {0};
	struct buf changed = {0};

	close(s->child_out);
	s->child_out = -1;
	while (waitpid(s->child, &status, 0) < 0 && errno == EINTR)
		;
	s->child = 0;
	fwrite(s->output.data ? s->output.data : "", 1, s->output.len, stderr);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		/* The last lines of the output, as one line: the event's data. */
		size_t from = s->output.len > 3000 ? s->output.len - 3000 : 0;
		struct buf tail = {0};

		for (size_t i = from; i < s->output.len; i++) {
			if (s->output.data[i] == '\n')
				buf_puts(&tail, "\\n");
			else if (s->output.data[i] != '\r')
				buf_putc(&tail, s->output.data[i]);
		}
		broadcast(s, "failed", tail.data ? tail.data : "");
		fprintf(stderr, "serve: the build failed; the pages say so\n");
		buf_free(&tail);
		return;
	}
	snapshot(s->html, &after);
	for (size_t i = 0; i < after.len; i++)
		if (!strlist_has(&s->before, after.items[i])) {
			const char *sp = strrchr(after.items[i], ' ');

			buf_printf(&changed, "%s%.*s", changed.len ? " " : "", (int)(sp - after.items[i]), after.items[i]);
		}
	broadcast(s, "reload", changed.data ? changed.data : "");
	fprintf(stderr, "serve: built; changed: %s\n", changed.data ? changed.data : "nothing");
	strlist_free(&after);
	buf_free(&changed);
}

static const char *content_type(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{".html", "text/html; charset=utf-8"}, {".css", "text/css"}, {".js", "text/javascript"},
		{".svg", "image/svg+xml"}, {".png", "image/png"}, {".json", "application/json"},
		{".pdf", "application/pdf"}, {".epub", "application/epub+zip"}, {".txt", "text/plain; charset=utf-8"},
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (ends_with(path, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static void respond(int fd, const char *status, const char *type, const char *body, size_t len)
{
	char *head = xasprintf("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			       "Cache-Control: no-store\r\nConnection: close\r\n\r\n", status, type, len);

	if (send_all(fd, head, strlen(head)) == 0)
		send_all(fd, body, len);
	free(head);
}

/* Answer the request of client @p i; returns true when the client stays (events). */
static bool answer(struct server *s, size_t i)
{
	struct client *c = &s->clients[i];
	char method[8], target[1024];
	char *path, *q, *file;
	struct buf body = {0};

	if (sscanf(c->in.data, "%7s %1023s", method, target) != 2 || strcmp(method, "GET")) {
		respond(c->fd, "405 Method Not Allowed", "text/plain", "GET only\n", 9);
		return false;
	}
	if ((q = strpbrk(target, "?#")))
		*q = '\0';
	if (!strcmp(target, "/__events")) {
		static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
					   "Cache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: ready\n\n";

		c->events = true;
		return send_all(c->fd, head, sizeof(head) - 1) == 0;
	}
	if (!strcmp(target, "/__serve.js")) {
		respond(c->fd, "200 OK", "text/javascript", reload_js, sizeof(reload_js) - 1);
		return false;
	}
	/* Files of --html only: no "..", no hidden name. */
	path = target[0] == '/' ? target + 1 : target;
	if (!*path || path[strlen(path) - 1] == '/')
		path = "index.html";
	if (strstr(path, "..") || strstr(path, "/.") || path[0] == '.') {
		respond(c->fd, "404 Not Found", "text/plain", "not found\n", 10);
		return false;
	}
	file = xasprintf("%s/%s", s->html, path);
	if (read_file(file, &body) < 0) {
		respond(c->fd, "404 Not Found", "text/plain", "not found\n", 10);
	} else if (ends_with(file, ".html")) {
		/* The page, with the script that reloads it, before </body>. */
		const char *tag = "<script src=\"/__serve.js\"></script>\n";
		char *end;
		struct buf page = {0};

		buf_putc(&body, '\0');
		end = strstr(body.data, "</body>");
		buf_add(&page, body.data, end ? (size_t)(end - body.data) : body.len - 1);
		buf_puts(&page, tag);
		if (end)
			buf_puts(&page, end);
		respond(c->fd, "200 OK", content_type(file), page.data, page.len);
		buf_free(&page);
	} else {
		respond(c->fd, "200 OK", content_type(file), body.data ? body.data : "", body.len);
	}
	buf_free(&body);
	free(file);
	return false;
}

static void read_client(struct server *s, size_t i)
{
	struct client *c = &s->clients[i];
	char chunk[2048];
	ssize_t n = recv(c->fd, chunk, sizeof(chunk), 0);

	if (n <= 0 || c->events) {	/* a subscriber sends nothing: this is its end */
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		drop_client(s, i);
		return;
	}
	buf_add(&c->in, chunk, (size_t)n);
	if (c->in.len > MAX_REQUEST) {
		drop_client(s, i);
		return;
	}
	buf_putc(&c->in, '\0');
	c->in.len--;
	if (strstr(c->in.data, "\r\n\r\n") || strstr(c->in.data, "\n\n")) {
		if (!answer(s, i))
			drop_client(s, i);
	}
}

/* Drain inotify; true when an edit (not an editor's litter) was seen. */
static bool read_events(int fd)
{
	char ev[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	bool edit = false;
	ssize_t n;

	while ((n = read(fd, ev, sizeof(ev))) > 0) {
		for (char *p = ev; p < ev + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			if (e->len && !editor_litter(e->name))
				edit = true;
			p += sizeof(*e) + e->len;
		}
	}
	return edit;
}

static void usage(void)
{
	fputs("usage: serve --html DIR --watch DIR... [--port N] --build COMMAND...\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct server s = {0};
	struct sockaddr_in addr = {0};
	socklen_t alen = sizeof(addr);
	long port = 8000;
	int one = 1, watched = 0;

	s.child_out = -1;
	s.inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s.inotify_fd < 0) {
		fprintf(stderr, "serve: inotify: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--html") && i + 1 < argc) {
			s.html = argv[++i];
		} else if (!strcmp(argv[i], "--port") && i + 1 < argc) {
			char *end;

			port = strtol(argv[++i], &end, 10);
			if (*end || port < 0 || port > 65535)
				usage();
		} else if (!strcmp(argv[i], "--watch") && i + 1 < argc) {
			if (inotify_add_watch(s.inotify_fd, argv[++i], IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
					      IN_DELETE | IN_CREATE | IN_ATTRIB) < 0) {
				fprintf(stderr, "serve: cannot watch %s: %s\n", argv[i], strerror(errno));
				return 1;
			}
			watched++;
		} else if (!strcmp(argv[i], "--build") && i + 1 < argc) {
			s.build = argv + i + 1;
			break;
		} else {
			usage();
		}
	}
	if (!s.html || !s.build || !watched)
		usage();
	signal(SIGPIPE, SIG_IGN);
	s.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* this machine only */
	if (s.listen_fd < 0 || setsockopt(s.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s.listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s.listen_fd, 16) < 0 ||
	    getsockname(s.listen_fd, (struct sockaddr *)&addr, &alen) < 0) {
		fprintf(stderr, "serve: cannot listen on 127.0.0.1:%ld: %s\n", port, strerror(errno));
		return 1;
	}
	printf("serve: http://127.0.0.1:%u/ (Ctrl-C stops)\n", ntohs(addr.sin_port));
	fflush(stdout);
	for (;;) {
		struct pollfd p[MAX_CLIENTS + 3];
		nfds_t n = 0;
		int timeout = -1;
		size_t nclients = s.nclients;

		p[n++] = (struct pollfd){s.listen_fd, POLLIN, 0};
		p[n++] = (struct pollfd){s.inotify_fd, POLLIN, 0};
		p[n++] = (struct pollfd){s.child_out, POLLIN, 0};	/* -1: ignored */
		for (size_t i = 0; i < nclients; i++)
			p[n++] = (struct pollfd){s.clients[i].fd, POLLIN, 0};
		if (s.due.tv_sec) {
			double left = (double)s.due.tv_sec * 1e3 + (double)s.due.tv_nsec / 1e6 - now_ms();

			timeout = left > 0 ? (int)left + 1 : 0;
		}
		if (poll(p, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "serve: poll: %s\n", strerror(errno));
			return 1;
		}
		if (p[1].revents & POLLIN && read_events(s.inotify_fd)) {
			/* A burst of events (an editor's save is several) is one edit. */
			double due = now_ms() + DEBOUNCE_MS;

			s.due.tv_sec = (time_t)(due / 1e3);
			s.due.tv_nsec = (long)((due - (double)s.due.tv_sec * 1e3) * 1e6);
		}
		if (p[2].revents) {
			char chunk[4096];
			ssize_t got = read(s.child_out, chunk, sizeof(chunk));

			if (got > 0)
				buf_add(&s.output, chunk, (size_t)got);
			else if (got == 0 || errno != EINTR) {
				end_build(&s);
				if (s.dirty) {
					s.dirty = false;
					start_build(&s);
				}
			}
		}
		if (s.due.tv_sec && now_ms() >= (double)s.due.tv_sec * 1e3 + (double)s.due.tv_nsec / 1e6) {
			s.due.tv_sec = 0;
			if (s.child)
				s.dirty = true;
			else
				start_build(&s);
		}
		/* Clients, newest first: a dropped one takes the last one's place. */
		for (size_t i = nclients; i-- > 0;)
			if (i < s.nclients && p[3 + i].revents)
				read_client(&s, i);
		if (p[0].revents & POLLIN) {
			int fd;

			while ((fd = accept4(s.listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
				if (s.nclients == MAX_CLIENTS) {
					close(fd);
					continue;
				}
				s.clients[s.nclients++] = (struct client){fd, false, {0}};
			}
		}
	}
}
