package com.marketplace.bench.pipeline;

import com.marketplace.bench.ThreadCpu;
import com.marketplace.harness.ManagedProcess;
import com.marketplace.harness.ProcessCpu;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** CPU used by each process, its busiest threads, and the whole machine between two readings. */
final class CpuWindow {

    /** The benchmark's own process, measured beside the pipeline's. */
    static final String LOAD_CLIENT = "load client";

    /** Cores used per process (CPU seconds / wall seconds), busiest threads, machine busy fraction (0..1). */
    record Usage(double wallSeconds, Map<String, Double> cores, Map<String, Map<String, Double>> threadCores,
            double machineBusy, int machineCores) {

        double pipelineCores() {
            return cores.entrySet().stream().filter(e -> !e.getKey().equals(LOAD_CLIENT))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        /** The names of the pipeline's processes measured (the load client not among them). */
        List<String> pipelineProcesses() {
            return cores.keySet().stream().filter(name -> !name.equals(LOAD_CLIENT)).toList();
        }

        /**
         * Cores the JIT compiler threads ({@code C1/C2 CompilerThread}) of all measured processes
         * used, as far as they are among each process's busiest threads (they are whenever they
         * matter) and still run at the window's end: one the JVM stopped meanwhile counts among
         * {@link ThreadCpu#ENDED_THREADS}.
         */
        double jitCores() {
            return threadCores.values().stream().flatMap(t -> t.entrySet().stream())
                    .filter(e -> e.getKey().startsWith("C1 CompilerThre") || e.getKey().startsWith("C2 CompilerThre"))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        /** Cores the rest of the machine used: every process not measured here (other users' work, the OS). */
        double otherCores() {
            return Math.max(0, machineBusy * machineCores - cores.values().stream().mapToDouble(Double::doubleValue).sum());
        }
    }

    private final Map<String, Long> pids;
    private final Map<String, Double> startCpu = new LinkedHashMap<>();
    private final Map<String, Map<Long, ProcessCpu.ThreadTime>> startThreads = new LinkedHashMap<>();
    private final double[] startMachine;
    private final long startNanos;

    private CpuWindow(Map<String, Long> pids) {
        this.pids = pids;
        pids.forEach((name, pid) -> {
            startCpu.put(name, ProcessCpu.seconds(pid));
            startThreads.put(name, ProcessCpu.threadSeconds(pid));
        });
        this.startMachine = ProcessCpu.machineSeconds();
        this.startNanos = System.nanoTime();
    }

    static CpuWindow begin(Map<String, ManagedProcess> processes, Optional<Long> mariadb) {
        Map<String, Long> pids = new LinkedHashMap<>();
        processes.forEach((name, p) -> pids.put(name, p.pid()));
        mariadb.ifPresent(pid -> pids.put("mariadb", pid));
        pids.put(LOAD_CLIENT, ProcessHandle.current().pid());
        return new CpuWindow(pids);
    }

    Usage end() {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double[] machine = ProcessCpu.machineSeconds();
        Map<String, Double> cores = new LinkedHashMap<>();
        Map<String, Map<String, Double>> threads = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            Map<Long, ProcessCpu.ThreadTime> threadsNow = ProcessCpu.threadSeconds(pid);
            double used = ProcessCpu.seconds(pid) - startCpu.get(name);
            cores.put(name, used / wall);
            threads.put(name, ThreadCpu.busiest(startThreads.get(name), threadsNow, used, wall, 6));
        });
        int cpus = Runtime.getRuntime().availableProcessors();
        double busy = (machine[0] - startMachine[0]) / Math.max(1e-9, machine[1] - startMachine[1]);
        return new Usage(wall, cores, threads, busy, cpus);
    }
}
