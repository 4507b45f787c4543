// SPDX-License-Identifier: GPL-2.0
/*
 * The state file's lock and records; see state.h.  No daemon state here,
 * so the unit tests link it alone.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

int state_lock(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(err, errlen, "state file %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;

		close(fd);
		if (e == EWOULDBLOCK)
			snprintf(err, errlen, "state file %s is locked: another kpptpd is running with it; give each kpptpd its own state-file",
				 path);
		else
			snprintf(err, errlen, "state file %s: lock: %s", path,
				 strerror(e));
		return -1;
	}
	/* an older kpptpd made it 0644: client addresses are root's only */
	if (fchmod(fd, 0600)) {
		snprintf(err, errlen, "state file %s: %s", path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int state_format(const struct state_rec *r, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	struct in_addr in = { r->peer_addr };

	return snprintf(buf, len, "%u %s %u\n", r->id,
			inet_ntop(AF_INET, &in, a, sizeof(a)), r->peer_id);
}

int state_parse(const char *line, struct state_rec *r)
{
	unsigned int id, peer_id;
	char addr[INET_ADDRSTRLEN + 1], end;
	struct in_addr in;

	if (sscanf(line, "%u %16s %u %c", &id, addr, &peer_id, &end) != 3 ||
	    !id || id > 65535 || peer_id > 65535 ||
	    inet_pton(AF_INET, addr, &in) != 1)
		return -1;
	r->id = (uint16_t)id;
	r->peer_id = (uint16_t)peer_id;
	r->peer_addr = in.s_addr;
	return 0;
}

bool state_matches(const struct state_rec *r,
		   const struct kpptp_call_info *info)
{
	return info->cfg.id == r->id && info->cfg.peer_addr == r->peer_addr &&
	       info->cfg.peer_id == r->peer_id;
}

/* The record's STATE_REC_LEN bytes, padded, into @rec: 0 or -EINVAL. */
static int state_fill(char rec[STATE_REC_LEN + 1], const struct state_rec *r)
{
	int n = r ? state_format(r, rec, STATE_REC_LEN + 1) : 1;

	if (n < 1 || n > STATE_REC_LEN)
		return -EINVAL;
	/* the line's own newline becomes padding; the slot ends with one */
	memset(rec + n - 1, ' ', STATE_REC_LEN - (size_t)(n - 1));
	rec[STATE_REC_LEN - 1] = '\n';
	return 0;
}

int state_put(int fd, unsigned int slot, const struct state_rec *r)
{
	char rec[STATE_REC_LEN + 1];
	ssize_t w;

	if (state_fill(rec, r))
		return -EINVAL;
	do {
		w = pwrite(fd, rec, STATE_REC_LEN,
			   (off_t)slot * STATE_REC_LEN);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	return w == STATE_REC_LEN ? 0 : -EIO;
}

/*
 * A shared mapping rather than a pwrite() per record: at 2,000 call
 * setups a second the two writes per call were 6% of kpptpd's CPU.  What
 * is stored is in the page cache at once, so a kpptpd that dies loses
 * nothing; a machine that crashes loses its kernel calls as well.
 */
bool state_mappable(int fd)
{
	struct statfs fs;

	return !fstatfs(fd, &fs) && (fs.f_type == TMPFS_MAGIC ||
				     fs.f_type == RAMFS_MAGIC);
}

char *state_map(int fd, int *err)
{
	void *m = mmap(NULL, (size_t)STATE_MAX_SLOTS * STATE_REC_LEN,
		       PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}
	return m;
}

void state_unmap(char *map)
{
	if (map)
		munmap(map, (size_t)STATE_MAX_SLOTS * STATE_REC_LEN);
}

void state_store(char *map, unsigned int slot, const struct state_rec *r)
{
	char rec[STATE_REC_LEN + 1];

	if (slot < STATE_MAX_SLOTS && !state_fill(rec, r))
		memcpy(map + (size_t)slot * STATE_REC_LEN, rec, STATE_REC_LEN);
}
