/* A page-fault storm for SECONDS: map 64 MiB, touch every page, unmap, again. */
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv)
{
	double seconds = atof(argv[1]);
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		size_t size = 64 << 20;
		char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (size_t i = 0; i < size; i += 4096)
			p[i] = 1;
		munmap(p, size);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 < seconds);
	return 0;
}
