package dev.cinch.logs.metrics;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Streams that count the bytes passing through them, for the archive export and import byte counters. */
final class CountingStreams {
    private CountingStreams() {
    }

    static final class Out extends FilterOutputStream {
        private long count;

        Out(OutputStream out) {
            super(out);
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        // FilterOutputStream writes arrays a byte at a time; pass them through whole.
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    static final class In extends FilterInputStream {
        private long count;

        In(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            count += Math.max(0, skipped);
            return skipped;
        }

        // No mark/reset: a reset would count bytes twice, and the archive import reads straight through.
        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
