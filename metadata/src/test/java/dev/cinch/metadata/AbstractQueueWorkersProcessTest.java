package dev.cinch.metadata;

import dev.cinch.sql.Database;

import dev.cinch.logs.JobId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight worker processes ({@link QueueWorkerProcess}, each its own JVM) claim 2,000 jobs with mixed labels from one
 * database. One of them is killed with {@code kill -9} while it holds leased jobs. Every job must end claimed and
 * finished exactly once: completed by exactly one claim, by a worker carrying its labels, none lost, none doubled,
 * and the jobs the killed worker held requeued when their leases ran out and finished by the others.
 */
abstract class AbstractQueueWorkersProcessTest {
    static final int JOBS = 2000;
    static final int LEASE_SECONDS = 3;
    static final List<List<String>> JOB_LABELS = List.of(List.of(), List.of("linux"), List.of("linux", "arm64"), List.of("gpu"));
    /** Worker labels; the last worker is the one killed. Every label set is still carried by a survivor. */
    static final List<List<String>> WORKER_LABELS = List.of(List.of("linux"), List.of("linux"), List.of("linux", "arm64"),
            List.of("linux", "arm64"), List.of("gpu", "linux"), List.of("gpu", "linux"), List.of("linux", "arm64", "gpu"),
            List.of("linux", "arm64", "gpu"));

    /** Opens the database under test for the setup and checks in this JVM. */
    protected abstract Database openDatabase();

    /** The configuration a worker process opens the same database with ({@code key=value,...}). */
    protected abstract String childConfig();

    private record Event(String kind, String job, int attempt, int worker) {
    }

    @Test
    @Timeout(600)
    void eightWorkerProcessesFinishEveryJobExactlyOnceWhileOneIsKilled() throws Exception {
        Map<String, List<String>> jobLabels = new HashMap<>();
        List<String> workerIds = new ArrayList<>();
        try (Metadata md = Metadata.of(openDatabase(), EncryptionKeys.none(), 4, Clock.systemUTC())) {
            md.migrate();
            MetadataStore store = md.store();
            Repo repo = store.createRepo(new NewRepo("github", "o", "queue", "u", "h", false, null, null));
            for (List<String> labels : WORKER_LABELS) {
                workerIds.add(store.createWorker(new NewWorker("w" + workerIds.size(), labels)).worker().id());
            }
            for (int i = 0; i < JOBS; i++) {
                List<String> labels = JOB_LABELS.get(i % JOB_LABELS.size());
                Job j = store.createJob(NewJob.of(repo.id(), "c" + i, "main", "make").withLabels(labels));
                jobLabels.put(j.id().value(), labels);
            }
        }

        int victim = WORKER_LABELS.size() - 1;
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        List<Process> processes = new ArrayList<>(Collections.nCopies(WORKER_LABELS.size(), (Process) null)); // by worker
        List<Thread> readers = new ArrayList<>();
        CountDownLatch holding = new CountDownLatch(1);
        try {
            // The victim starts first: it must complete some jobs and then hold some before the others have finished
            // all of them, and on a fast, quiet machine seven workers started ahead of it sometimes did.
            List<Integer> startOrder = new ArrayList<>();
            startOrder.add(victim);
            for (int w = 0; w < victim; w++) {
                startOrder.add(w);
            }
            for (int w : startOrder) {
                List<String> labels = WORKER_LABELS.get(w);
                // The victim completes some jobs like the others, then claims jobs it never completes.
                String holdAfter = w == victim ? "40" : "-1";
                Process p = ChildJvm.start(QueueWorkerProcess.class, List.of(childConfig(), workerIds.get(w),
                        String.join(",", labels), String.valueOf(LEASE_SECONDS), holdAfter, "6"), Map.of());
                processes.set(w, p);
                int worker = w;
                Thread reader = new Thread(() -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            String[] parts = line.split(" ");
                            if (parts.length == 3) {
                                events.add(new Event(parts[0], parts[1], Integer.parseInt(parts[2]), worker));
                            } else if (line.equals("HOLDING")) {
                                holding.countDown();
                            }
                        }
                    } catch (java.io.IOException e) {
                        // the process died; its lines so far are recorded
                    }
                }, "worker-" + w);
                reader.start();
                readers.add(reader);
            }
            assertThat(holding.await(300, TimeUnit.SECONDS)).as("the victim started holding jobs").isTrue();
            // SIGKILL through the handle: destroyForcibly() on the Process would also close our end of its pipe.
            processes.get(victim).toHandle().destroyForcibly();
            for (int w = 0; w < processes.size(); w++) {
                Process p = processes.get(w);
                assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("worker %d finished", w).isTrue();
                if (w == victim) {
                    assertThat(p.exitValue()).as("the victim was killed").isNotZero();
                } else {
                    assertThat(p.exitValue()).as("worker %d exit code", w).isZero();
                }
            }
            for (Thread r : readers) {
                r.join(30_000);
            }
        } finally {
            processes.stream().filter(java.util.Objects::nonNull).forEach(p -> p.toHandle().destroyForcibly());
        }

        List<Event> all = new ArrayList<>(events);
        Map<String, List<Event>> done = all.stream().filter(e -> e.kind().equals("DONE"))
                .collect(Collectors.groupingBy(Event::job, LinkedHashMap::new, Collectors.toList()));
        assertThat(done.keySet()).as("every job finished").containsExactlyInAnyOrderElementsOf(jobLabels.keySet());
        assertThat(done.values().stream().filter(l -> l.size() != 1).toList()).as("jobs finished more than once").isEmpty();
        for (Map.Entry<String, List<Event>> e : done.entrySet()) {
            assertThat(WORKER_LABELS.get(e.getValue().get(0).worker())).as("labels of the worker finishing %s", e.getKey())
                    .containsAll(jobLabels.get(e.getKey()));
        }
        Set<String> claims = new HashSet<>();
        for (Event e : all) {
            if (e.kind().equals("CLAIM") || e.kind().equals("HOLD")) {
                assertThat(claims.add(e.job() + "#" + e.attempt())).as("attempt %d of %s claimed twice", e.attempt(), e.job()).isTrue();
            }
        }
        List<Event> held = all.stream().filter(e -> e.kind().equals("HOLD")).toList();
        assertThat(held).as("the victim held leased jobs when it was killed").isNotEmpty();

        try (Metadata md = Metadata.of(openDatabase(), EncryptionKeys.none(), 4, Clock.systemUTC())) {
            MetadataStore store = md.store();
            for (String id : jobLabels.keySet()) {
                Job j = store.getJob(JobId.of(id));
                assertThat(j.status()).as("status of %s", id).isEqualTo(JobStatus.SUCCESS);
                long claimsOfJob = claims.stream().filter(c -> c.startsWith(id + "#")).count();
                assertThat(j.attempts()).as("attempts of %s equal its recorded claims", id).isEqualTo((int) claimsOfJob);
                assertThat(j.workerId()).isEqualTo(workerIds.get(done.get(id).get(0).worker()));
            }
            for (Event h : held) {
                Event finisher = done.get(h.job()).get(0);
                assertThat(finisher.worker()).as("%s, held by the killed worker, was finished by another", h.job()).isNotEqualTo(victim);
                assertThat(finisher.attempt()).isGreaterThan(h.attempt());
            }
        }
    }
}
