package dev.cinch.logs;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@link LogStore#list}: job ids in ascending order, and where the next page starts.
 *
 * @param jobs the ids on this page
 * @param nextStartAfter pass this as {@code startAfter} to get the next page; empty on the last page
 */
public record JobPage(List<JobId> jobs, Optional<JobId> nextStartAfter) {
    public JobPage {
        jobs = List.copyOf(jobs);
    }
}
