// Benchmarks print figures; they are not pass/fail tests. Each issue that sets a speed or memory
// target adds its measurement here.
console.log("paperbridge benchmarks: not built yet (the engine issue adds them).")
