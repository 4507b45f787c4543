/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state file: the kernel calls one kpptpd made, so that the next one
 * can delete those an earlier instance left behind (after a crash).  One
 * line per call, "ID PEER-ADDRESS PEER-CALL-ID", padded with spaces to
 * STATE_REC_LEN bytes and written in place in its slot (state_put()):
 * a call made or ended writes one record, however many calls there are.
 * A free slot is a line of spaces.  On tmpfs (/run), records of slots
 * already in the file are stores into a shared mapping of it
 * (state_store()), not system calls; a slot past the file's end is
 * written with pwrite(), which extends the file.  The file is locked
 * (flock) for the daemon's lifetime: two kpptpd never share one, and the
 * startup sweep deletes a call only when the kernel's call with that ID
 * still has the recorded peer address and peer call ID; another kpptpd's
 * or kpptpctl's call that happens to have the ID is left alone.
 */
#ifndef KPPTPD_STATE_H
#define KPPTPD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/model.h"

/* one record, newline included: "65535 255.255.255.255 65535" fits */
#define STATE_REC_LEN 32

struct state_rec {
	uint16_t id;		/* kernel call ID */
	uint16_t peer_id;	/* the peer's call ID, 0 before it is known */
	uint32_t peer_addr;	/* network order */
};

/*
 * Open @path (created 0600, never through a symbolic link) and lock it:
 * the descriptor, or -1 and @err saying what to do (another kpptpd holds
 * it: give each its own state-file).
 */
int state_lock(const char *path, char *err, size_t errlen);
/* "ID ADDR PEER-ID\n" into @buf; the length, as snprintf(). */
int state_format(const struct state_rec *r, char *buf, size_t len);
/* One line: 0, or -1 if it is not a record (an ID alone, from an older
 * kpptpd, is not: it cannot be checked). */
int state_parse(const char *line, struct state_rec *r);
/* The kernel's call @info is the one @r records. */
bool state_matches(const struct state_rec *r,
		   const struct kpptp_call_info *info);
/* @r (NULL: blank) as the record in @slot: 0 or -errno. */
int state_put(int fd, unsigned int slot, const struct state_rec *r);

/*
 * Call IDs are 16-bit, so one kpptpd never has more slots than this: the
 * mapping covers them all from the start and is never moved.
 */
#define STATE_MAX_SLOTS 65536

/*
 * @fd is on a file system in memory (tmpfs, ramfs), where a store into a
 * page the file holds cannot fail: then records are stored through a
 * mapping; elsewhere (a disk that can fill up, a copy-on-write one that
 * allocates on every write) they are written with state_put().
 */
bool state_mappable(int fd);
/*
 * The locked file @fd mapped shared for STATE_MAX_SLOTS records: the
 * mapping, or NULL (-errno in *@err).  A store into a slot past the file's
 * end would raise SIGBUS: state_store() only ever writes slots the file
 * already holds, and the file is kpptpd's alone (locked, 0600).
 */
char *state_map(int fd, int *err);
void state_unmap(char *map);
/* @r (NULL: blank) as the record in @slot, which the file holds. */
void state_store(char *map, unsigned int slot, const struct state_rec *r);

#endif /* KPPTPD_STATE_H */
