package io.streamwatch; public class StreamwatchJob { public static void main(String[] a){} }
