package dev.bowline.proxy.tls;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits PEM text (RFC 7468, with RFC 1421 headers tolerated) into labelled blocks of DER bytes.
 * Text outside the blocks, such as the comments {@code openssl} writes, is ignored.
 *
 * <p><b>Threading.</b> Stateless.
 */
final class Pem {

  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  private Pem() {}

  /**
   * One block.
   *
   * @param label the label, such as {@code CERTIFICATE} or {@code RSA PRIVATE KEY}
   * @param headers RFC 1421 headers such as {@code Proc-Type}, usually none
   * @param der the decoded contents
   */
  record Block(String label, Map<String, String> headers, byte[] der) {}

  /** Thrown for text that starts a PEM block but does not finish it properly. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  /** Every block in {@code text}, in order; empty when the text holds none. */
  static List<Block> parse(String text) throws MalformedException {
    List<Block> blocks = new ArrayList<>();
    String[] lines = text.split("\r?\n|\r");
    int i = 0;
    while (i < lines.length) {
      String line = lines[i].strip();
      i++;
      if (!line.startsWith(BEGIN) || !line.endsWith(DASHES) || line.length() < 16) {
        continue;
      }
      String label = line.substring(BEGIN.length(), line.length() - DASHES.length());
      String endLine = END + label + DASHES;
      Map<String, String> headers = new LinkedHashMap<>();
      StringBuilder base64 = new StringBuilder();
      boolean ended = false;
      while (i < lines.length) {
        String body = lines[i].strip();
        i++;
        if (body.equals(endLine)) {
          ended = true;
          break;
        }
        if (body.startsWith(END) || body.startsWith(BEGIN)) {
          throw new MalformedException("PEM block \"" + label + "\" is not closed by " + endLine);
        }
        int colon = body.indexOf(':');
        if (colon > 0 && base64.length() == 0) {
          headers.put(body.substring(0, colon).strip(), body.substring(colon + 1).strip());
        } else {
          base64.append(body);
        }
      }
      if (!ended) {
        throw new MalformedException("PEM block \"" + label + "\" has no " + endLine + " line");
      }
      byte[] der;
      try {
        der = Base64.getDecoder().decode(base64.toString());
      } catch (IllegalArgumentException e) {
        throw new MalformedException(
            "PEM block \"" + label + "\" is not valid base64: " + e.getMessage());
      }
      blocks.add(new Block(label, Map.copyOf(headers), der));
    }
    return blocks;
  }
}
