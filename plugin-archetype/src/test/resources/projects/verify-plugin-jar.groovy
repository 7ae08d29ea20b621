// Post-build check of each project the archetype's integration test generated and built
// (configured as postBuildHookScript in the archetype's pom). `projectDir` is the generated
// project, <case>/project/<artifactId>; the case's archetype.properties says what to expect.
import java.util.jar.JarFile

// maven-script-interpreter 1.5 passes the plugin's variables in a map named `context`.
File projectDir = (binding.hasVariable('projectDir') ? binding.getVariable('projectDir')
    : binding.getVariable('context').projectDir) as File
File caseDir = projectDir.parentFile.parentFile
Properties props = new Properties()
new File(caseDir, 'archetype.properties').withInputStream { props.load(it) }
String artifactId = props.getProperty('artifactId')
String version = props.getProperty('version')
String pluginId = props.getProperty('pluginId', artifactId)
String factory = props.getProperty('package') + '.SampleExtension'

String pom = new File(projectDir, 'pom.xml').getText('UTF-8')
def bowline = (pom =~ /<bowline\.version>([^<]+)<\/bowline\.version>/)
assert bowline.find() : 'the generated pom has no bowline.version property'
String requires = '>=' + bowline.group(1).replaceFirst(/-.*/, '')

File jarFile = new File(projectDir, "target/${artifactId}-${version}.jar")
assert jarFile.isFile() : "no plugin jar at ${jarFile}"
new JarFile(jarFile).withCloseable { JarFile jar ->
  List<String> names = jar.entries().collect { it.name }

  def index = jar.getEntry('META-INF/extensions.idx')
  assert index != null : "${jarFile.name} has no META-INF/extensions.idx: PF4J's processor did not run"
  List<String> indexed = jar.getInputStream(index).getText('UTF-8').readLines()*.trim()
  assert indexed.contains(factory) : "extensions.idx lists ${indexed}, not ${factory}"

  List<String> bundled = names.findAll {
    it.startsWith('dev/bowline/') || it.startsWith('org/pf4j/') || it.startsWith('org/slf4j/') ||
        it.startsWith('lib/')
  }
  assert bundled.isEmpty() : "${jarFile.name} bundles what the host provides: ${bundled}"

  def manifest = jar.manifest.mainAttributes
  assert manifest.getValue('Plugin-Id') == pluginId
  assert manifest.getValue('Plugin-Version') == version
  assert manifest.getValue('Plugin-Requires') == requires
  assert manifest.getValue('Plugin-Provider')
  assert manifest.getValue('Plugin-Description')
  assert manifest.getValue('Plugin-Class') == null
}

File reports = new File(projectDir, 'target/surefire-reports')
List<File> xml = (reports.listFiles() ?: []).findAll { it.name ==~ /TEST-.*\.xml/ }
assert !xml.isEmpty() : 'the unit test did not run'
int tests = xml.sum { f ->
  def m = (f.getText('UTF-8') =~ /<testsuite[^>]*\stests="(\d+)"/)
  m.find() ? m.group(1).toInteger() : 0
} as int
assert tests > 0 : 'the unit test ran no test'

println "[verify] ${jarFile}: Plugin-Id ${pluginId}, extension ${factory}, ${tests} tests passed"
return true
