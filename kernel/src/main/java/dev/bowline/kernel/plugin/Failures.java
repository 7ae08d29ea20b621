package dev.bowline.kernel.plugin;

/** Turns exceptions into the one-line reasons that {@code bowlinectl plugins} shows. */
final class Failures {

  private Failures() {}

  /**
   * {@code "ExceptionType: message"} for {@code t} and, where they add something, its causes,
   * joined by {@code " <- "}.
   */
  static String describe(Throwable t) {
    StringBuilder out = new StringBuilder();
    String previousMessage = null;
    for (Throwable cur = t; cur != null && out.length() < 1000; cur = cur.getCause()) {
      String message = cur.getMessage();
      if (message != null && message.equals(previousMessage)) {
        continue;
      }
      if (out.length() > 0) {
        out.append(" <- ");
      }
      out.append(cur.getClass().getSimpleName());
      if (message != null && !message.isBlank()) {
        out.append(": ").append(message.strip());
      }
      previousMessage = message;
      if (cur.getCause() == cur) {
        break;
      }
    }
    return out.toString();
  }
}
