package dev.cinch.logs.codec;

import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli) helpers that {@link CRC32C} lacks.
 *
 * <p>Every stored format keeps a CRC32C per chunk; a whole-log checksum is then derived with {@link #combine}
 * instead of re-reading the data, which lets an open log keep a running checksum across process restarts and
 * lets a sealed archive be checked against the checksum its hot tier recorded.
 */
public final class Crc32c {
    /** The Castagnoli polynomial 0x1EDC6F41, bit-reversed, as {@link CRC32C} uses it. */
    private static final int POLY_REFLECTED = 0x82F63B78;

    /**
     * {@code X2N[k]} is x^(2^k) modulo the polynomial (reflected), for every k a 63-bit byte count shifted by 3
     * can reach, so no periodicity of x modulo the polynomial has to be assumed. Computed once and never written
     * after class initialisation, so sharing it between threads is safe.
     */
    private static final int[] X2N = buildPowerTable();

    private Crc32c() {
    }

    /** CRC32C of {@code len} bytes of {@code data} from {@code off}. */
    public static int of(byte[] data, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(data, off, len);
        return (int) crc.getValue();
    }

    /** CRC32C of all of {@code data}. */
    public static int of(byte[] data) {
        return of(data, 0, data.length);
    }

    /**
     * The CRC32C of the concatenation A·B, given only {@code crcA} = CRC32C(A), {@code crcB} = CRC32C(B) and
     * {@code lenB} = the length of B in bytes. The length of A is not needed.
     *
     * <p>This is zlib's {@code crc32_combine} technique (appending {@code lenB} zero bytes to A is multiplication
     * by x^(8·lenB) modulo the polynomial; the pre- and post-inversion cancel out in the XOR), applied to the
     * Castagnoli polynomial. Cost: O(log lenB) carry-less multiplications of 32-bit polynomials, no data access.
     *
     * @param lenB length of B in bytes, {@code >= 0}; with {@code lenB == 0} the result is {@code crcA}
     */
    public static int combine(int crcA, int crcB, long lenB) {
        if (lenB < 0) {
            throw new IllegalArgumentException("lenB must be >= 0, got " + lenB);
        }
        return multiplyModP(powerOfXModP(lenB, 3), crcA) ^ crcB;
    }

    /** a·b modulo the polynomial, both in reflected bit order (bit 31 is the coefficient of x^0). */
    private static int multiplyModP(int a, int b) {
        int product = 0;
        for (int m = 1 << 31; m != 0; m >>>= 1) {
            if ((a & m) != 0) {
                product ^= b;
                if ((a & (m - 1)) == 0) {
                    break;
                }
            }
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY_REFLECTED : b >>> 1;
        }
        return product;
    }

    /** x^(n·2^k) modulo the polynomial: with k = 3 that is the shift for n bytes. */
    private static int powerOfXModP(long n, int k) {
        int p = 1 << 31; // x^0
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multiplyModP(X2N[k], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }

    private static int[] buildPowerTable() {
        int[] table = new int[64 + 3];
        int p = 1 << 30; // x^1
        table[0] = p;
        for (int k = 1; k < table.length; k++) {
            p = multiplyModP(p, p);
            table[k] = p;
        }
        return table;
    }
}
