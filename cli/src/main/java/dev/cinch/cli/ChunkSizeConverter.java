package dev.cinch.cli;

import dev.cinch.logs.LogStore;
import picocli.CommandLine;

/** {@code --chunk-size}: 1 byte up to the largest chunk a store accepts, checked while parsing (exit 2 otherwise). */
final class ChunkSizeConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        long n = NonNegativeLongConverter.wholeNumber(value, "a whole number of bytes");
        if (n < 1 || n > LogStore.MAX_CHUNK_BYTES) {
            throw new CommandLine.TypeConversionException("must be 1.." + LogStore.MAX_CHUNK_BYTES + " bytes, got " + Cinchlog.quoted(value));
        }
        return (int) n;
    }
}
