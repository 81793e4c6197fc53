#!/bin/sh
# check.sh CASE BINDIR PROGRAMS_TSV - the book's programs and hostile input.
#   refuse  every program refuses the arguments of the table below (negative,
#           zero where invalid, beyond its range or a long, not a number, an
#           unknown word, too few) and nine arguments more than any takes:
#           exit status 2, nothing on stdout, one line on stderr that starts
#           "usage: PROGRAM". A program whose usage line shows arguments
#           must have rows in the table, so a new argument gets its test.
#   pipe    every program but the MPI ones (and two of those, under mpiexec)
#           piped into `head -1`: it ends within 60 s and leaves no process
#           and no shared memory object, semaphore or message queue behind;
#           then sem_named with a worker killed (SIGKILL) while it holds the
#           semaphore: the parent ends, and both names are gone.
# The pipe case runs with a /dev/shm and message queues of its own (mount and
# IPC namespaces: unshare, or an unprivileged user namespace when not root),
# so whatever is left there is this test's; exit 77 when they cannot be made.
set -u
case=$1 bindir=$2 programs=$3
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# The table: PROGRAM ARGUMENTS..., each row refused. ('' is an empty argument.)
table() {
    cat <<'EOF'
data_parallel -1
data_parallel 0
data_parallel 999
data_parallel 100000001
data_parallel 99999999999999999999
data_parallel ten
data_parallel 1e6
data_parallel +1000
data_parallel ' 1000'
data_parallel ''
fib_threads -1
fib_threads 46
fib_threads 99999999999999999999
fib_threads 3x
mp_vs_mt -1
mp_vs_mt 0
mp_vs_mt 10000001
mp_vs_mt 99999999999999999999
mp_vs_mt ten
false_sharing -1
false_sharing 0
false_sharing 1000000001
false_sharing 99999999999999999999
false_sharing many
par_sum 0
par_sum -1
par_sum 17
par_sum 99999999999999999999
par_sum four
par_sum 4 0
par_sum 4 -1
par_sum 4 1000000001
par_sum 4 99999999999999999999
par_sum 4 1e6
laws
laws 10
laws 0 8
laws -10 8
laws 101 8
laws 0.1 8
laws 99999999999999999999 8
laws ten 8
laws 10 0
laws 10 -8
laws 10 1000001
laws 10 99999999999999999999
laws 10 eight
shared_counter sloppy
shared_counter racy 0
shared_counter racy -1
shared_counter racy 65
shared_counter racy 4 0
shared_counter racy 4 -5
shared_counter racy 4 1000000001
shared_counter racy 4 99999999999999999999
shared_counter racy four
lock_scope HOLD
rlock_box adaptive
cond_buffer fast
stolen_wakeup
stolen_wakeup until
racy_counter -1
racy_counter 0
racy_counter 1000000001
racy_counter 99999999999999999999
racy_counter ten
lock_order deadlocked
lock_order ordered 0
lock_order ordered -1
lock_order ordered 1000000001
lock_order ordered 99999999999999999999
lock_order ordered many
philosophers -1
philosophers 0
philosophers 1000000001
philosophers 99999999999999999999
philosophers ten
proc_spawn --child
proc_spawn --child -1
proc_spawn --child 6
proc_spawn --child x
fork_in_thread
fork_in_thread vfork
spawn_cost -1
spawn_cost 4097
spawn_cost 99999999999999999999
spawn_cost lots
proc_daemon --early
proc_pipeline --forget
shm_array --child
sem_named --worker /a /b 0
sem_named --worker /a /b 6
sem_named --worker /a /b x
sem_named --worker /a /b
proc_pool --show
coprocess -1
coprocess 0
coprocess 1000001
coprocess 99999999999999999999
coprocess lots
mpi_exchange
mpi_exchange sideways
mpi_exchange send-first 0
mpi_exchange send-first -1
mpi_exchange send-first 10000001
mpi_exchange send-first 99999999999999999999
mpi_exchange send-first many
mpi_overlap 0
mpi_overlap -1
mpi_overlap 99999999999999999999
mpi_overlap x
mpi_pingpong -1
mpi_pingpong 0
mpi_pingpong 1073741825
mpi_pingpong 99999999999999999999
mpi_pingpong big
block_sum -1
block_sum 0
block_sum 1000000001
block_sum 99999999999999999999
block_sum x
gather_squares -1
gather_squares 0
gather_squares 1000001
gather_squares 99999999999999999999
gather_squares x
state_machine -1
state_machine 99999999999999999999
state_machine nine
event_loop_tasks
event_loop_tasks sometimes
event_loop_tasks blocking -1
event_loop_tasks blocking x
heavy_computation 0
heavy_computation -1
heavy_computation 1000000001
heavy_computation 99999999999999999999
heavy_computation 100 0
heavy_computation 100 17
heavy_computation --worker
heavy_computation --worker 0
heavy_computation --worker x
echo_threads 0
echo_threads -1
echo_threads 401
echo_threads 10 0
echo_threads 10 1000001
echo_threads x
echo_uv 0
echo_uv -1
echo_uv 401
echo_uv 10 0
echo_uv 10 1000001
echo_uv x
EOF
}

# refused PROGRAM ARGS...: exit 2, no stdout, one stderr line "usage: PROGRAM ..."
refused() {
    prog=$1
    shift
    timeout -k 2 20 "$bindir/$prog" "$@" > "$tmp/out" 2> "$tmp/err"
    status=$?
    shown="$prog $*"
    [ $status -eq 2 ] || { bad "$shown: exit status $status, not 2"; return; }
    [ ! -s "$tmp/out" ] || bad "$shown: printed on stdout: $(head -c 200 "$tmp/out")"
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || bad "$shown: $(wc -l < "$tmp/err") lines on stderr, not 1"
    grep -q "^usage: $prog" "$tmp/err" || bad "$shown: no usage line: $(head -c 200 "$tmp/err")"
    printf '%-42s %s\n' "$shown" "$(cat "$tmp/err")"
}

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

case $case in
refuse)
    table > "$tmp/table"
    while IFS= read -r row; do
        eval "set -- $row"
        refused "$@"
    done < "$tmp/table"
    for prog in $(cut -f1 "$programs"); do
        refused "$prog" 1 2 3 4 5 6 7 8 9
        # the synopsis its usage line shows: arguments want rows in the table
        synopsis=$(sed -n "s/^usage: $prog \(.*\)  (.*/\1/p" "$tmp/err")
        if [ -n "$synopsis" ] && ! grep -q "^$prog\( \|$\)" "$tmp/table"; then
            bad "$prog takes arguments ($synopsis) but has no row in the table"
        fi
    done
    ;;
pipe)
    if [ "${ARGS_CHECK_PRIVATE:-}" != 1 ]; then
        # again, in private /dev/shm and /dev/mqueue
        inner='mount -t tmpfs tmpfs /dev/shm && mount -t mqueue mqueue "$ARGS_CHECK_MQ" && exec "$@"'
        if [ "$(id -u)" -eq 0 ]; then set -- unshare --mount --ipc --fork --propagation private
        else set -- unshare --user --map-root-user --mount --ipc --fork --propagation private
        fi
        "$@" true 2>/dev/null || { echo "pipe: no mount and IPC namespace here"; exit 77; }
        mkdir "$tmp/mq" || exit 2
        ARGS_CHECK_PRIVATE=1 ARGS_CHECK_MQ=$tmp/mq "$@" sh -c "$inner" sh sh "$0" "$case" "$bindir" "$programs"
        exit $?
    fi
    leftovers() { ls -A /dev/shm "$ARGS_CHECK_MQ" | grep -v '^/\|^$'; }
    # piped PROGRAM COMMAND...: the command | head -1 in a session of its own
    piped() {
        prog=$1
        shift
        start=$(date +%s)
        timeout -k 5 60 setsid sh -c 'echo $$ > "$1"; shift; "$@" | head -1 > /dev/null' \
            sh "$tmp/sid" "$@"
        status=$?
        secs=$(($(date +%s) - start))
        [ $status -ne 124 ] && [ $status -ne 137 ] || bad "$prog | head -1: still running after 60 s"
        sleep 0.5
        sid=$(cat "$tmp/sid")
        left=$(ps -eo sid=,pid=,args= | awk -v s="$sid" '$1 == s')
        if [ -n "$left" ]; then
            bad "$prog | head -1 left processes: $left"
            ps -eo sid=,pid= | awk -v s="$sid" '$1 == s { print $2 }' | xargs -r kill -KILL
        fi
        [ -z "$(leftovers)" ] || { bad "$prog | head -1 left: $(leftovers | tr '\n' ' ')"; rm -f /dev/shm/* "$ARGS_CHECK_MQ"/*; }
        printf '%-22s | head -1: ended after %3d s\n' "$prog" "$secs"
    }
    while IFS='	' read -r prog kind _; do
        case $prog in
        stolen_wakeup) set -- "$bindir/$prog" while ;;
        event_loop_tasks) set -- "$bindir/$prog" blocking ;;
        fork_in_thread) set -- "$bindir/$prog" spawn ;;
        *) set -- "$bindir/$prog" ;;
        esac
        [ "$kind" = mpi ] || piped "$prog" "$@"
    done < "$programs"
    # mpiexec dies of SIGPIPE when head is gone, before Open MPI removes its
    # session directory (TMPDIR/ompi.HOST.UID): Open MPI's leftover, not the
    # book's. It goes to a TMPDIR of this test's, is reported, and removed.
    mkdir "$tmp/ompi-tmp" || exit 2
    saved_tmpdir=${TMPDIR:-}
    export TMPDIR="$tmp/ompi-tmp"
    piped mpi_hello mpiexec -n 2 "$bindir/mpi_hello"
    piped mpi_exchange mpiexec -n 2 "$bindir/mpi_exchange" nonblocking 1000
    if [ -n "$saved_tmpdir" ]; then export TMPDIR="$saved_tmpdir"; else unset TMPDIR; fi
    left=$(ls -A "$tmp/ompi-tmp")
    [ -z "$left" ] || echo "mpiexec | head -1: Open MPI left its session directory ($left), removed"
    rm -rf "$tmp/ompi-tmp"

    # A worker killed while it holds the semaphore: whoever survives cleans up.
    BOOK_UNIT_MS=500 "$bindir/sem_named" > "$tmp/sem.out" 2>&1 &
    parent=$!
    worker=
    for _ in $(seq 100); do
        worker=$(sed -n 's/^Worker-[0-9]* (pid \([0-9]*\)) accessing.*/\1/p' "$tmp/sem.out" | tail -1)
        [ -n "$worker" ] && break
        sleep 0.1
    done
    [ -n "$worker" ] || bad "sem_named: no worker took the semaphore in 10 s"
    [ -z "$worker" ] || kill -KILL "$worker"
    for _ in $(seq 100); do
        kill -0 "$parent" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$parent" 2>/dev/null; then
        bad "sem_named: still running 10 s after its worker $worker was killed"
        kill -KILL "$parent"
    fi
    wait "$parent"
    echo "sem_named, worker $worker killed holding the semaphore: exit status $?, $(tail -1 "$tmp/sem.out")"
    [ -z "$(leftovers)" ] || bad "sem_named with a killed worker left: $(leftovers | tr '\n' ' ')"
    ;;
*)
    echo "check.sh: no case '$case'"
    exit 2
    ;;
esac
exit $fail
