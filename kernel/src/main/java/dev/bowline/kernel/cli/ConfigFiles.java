package dev.bowline.kernel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The documents named by {@code -f}: a file, every {@code .yaml}, {@code .yml} and {@code .json}
 * file of a directory (recursively, in name order), or {@code -} for standard input.
 */
final class ConfigFiles {

  /** One source: its name for messages and its text. */
  record Source(String name, String text) {}

  private ConfigFiles() {}

  static List<Source> read(List<String> args, InputStream stdin) throws IOException {
    List<Source> out = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("-")) {
        out.add(new Source("<stdin>", new String(stdin.readAllBytes(), StandardCharsets.UTF_8)));
        continue;
      }
      Path path = Path.of(arg);
      if (Files.isDirectory(path)) {
        try (Stream<Path> files = Files.walk(path)) {
          for (Path f : files.filter(ConfigFiles::isConfigFile).sorted().toList()) {
            out.add(new Source(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
          }
        }
      } else if (Files.isRegularFile(path)) {
        out.add(new Source(path.toString(), Files.readString(path, StandardCharsets.UTF_8)));
      } else {
        throw new IOException(arg + ": no such file or directory");
      }
    }
    return out;
  }

  private static boolean isConfigFile(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
  }
}
