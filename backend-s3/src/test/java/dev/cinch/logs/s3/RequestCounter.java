package dev.cinch.logs.s3;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts the HTTP requests an S3 client sends and the body bytes it receives (each response's Content-Length), per
 * attempt, with a log of each request for messages: what a read costs, measured where it is paid.
 */
final class RequestCounter implements ExecutionInterceptor {
    record Request(String operation, String range, long responseBytes) {
    }

    private final List<Request> requests = new ArrayList<>();

    @Override
    public synchronized void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String range = context.httpRequest().firstMatchingHeader("Range").orElse("");
        long bytes = context.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L);
        requests.add(new Request(op, range, bytes));
    }

    synchronized void reset() {
        requests.clear();
    }

    synchronized int count() {
        return requests.size();
    }

    synchronized long bytes() {
        return requests.stream().mapToLong(Request::responseBytes).sum();
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }
}
